using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Clients;

/// <summary>
/// The current RADIUS client list, from one of two sources: the local clients file (rebuilt whenever it changes, without a
/// restart), or, for an edge connected to the console, the console's list. Once a managed list has been received (or read
/// from its cache) the local file is no longer used.
/// </summary>
public sealed class NasClientDirectory : IDisposable
{
    private readonly ILogger<NasClientDirectory> _logger;
    private readonly IDisposable? _subscription;
    private volatile NasClientTable _table;
    private volatile bool _managed;

    public NasClientDirectory(IOptionsMonitor<NasClientsFile> file, ILogger<NasClientDirectory> logger)
    {
        _logger = logger;
        _table = Load(file.CurrentValue);
        _subscription = file.OnChange(f =>
        {
            if (!_managed)
                _table = Load(f);
        });
    }

    public NasClient? Find(IPAddress source) => _table.Find(source);

    /// <summary>Network entries.</summary>
    public int Count => _table.Count;

    /// <summary>RADIUS clients by name.</summary>
    public int ClientCount => _table.ClientCount;

    /// <summary>True once the console's list is served.</summary>
    public bool Managed => _managed;

    /// <summary>Serves the console's list from now on (the local clients file is no longer read).</summary>
    public void UseManaged(NasClientTable table, string source)
    {
        _managed = true;
        _table = table;
        _logger.LogInformation("RADIUS client list from the console ({Source}): {Count} network entries", source, table.Count);
    }

    private NasClientTable Load(NasClientsFile file)
    {
        var table = NasClientTable.Build(file.RadiusClients, _logger);
        _logger.LogInformation("RADIUS client list loaded: {Count} network entries", table.Count);
        return table;
    }

    public void Dispose() => _subscription?.Dispose();
}
