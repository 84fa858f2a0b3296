using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Clients;

/// <summary>The current RADIUS client list: rebuilt whenever the clients file changes, without a restart.</summary>
public sealed class NasClientDirectory : IDisposable
{
    private readonly ILogger<NasClientDirectory> _logger;
    private readonly IDisposable? _subscription;
    private volatile NasClientTable _table;

    public NasClientDirectory(IOptionsMonitor<NasClientsFile> file, ILogger<NasClientDirectory> logger)
    {
        _logger = logger;
        _table = Load(file.CurrentValue);
        _subscription = file.OnChange(f => _table = Load(f));
    }

    public NasClient? Find(IPAddress source) => _table.Find(source);

    public int Count => _table.Count;

    private NasClientTable Load(NasClientsFile file)
    {
        var table = NasClientTable.Build(file.RadiusClients, _logger);
        _logger.LogInformation("RADIUS client list loaded: {Count} network entries", table.Count);
        return table;
    }

    public void Dispose() => _subscription?.Dispose();
}
