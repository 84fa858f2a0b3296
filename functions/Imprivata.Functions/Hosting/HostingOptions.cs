namespace Imprivata.Functions.Hosting;

/// <summary>Settings of the hosting layer, section "Imprivata:Hosting".</summary>
public sealed class HostingOptions
{
    public const string Section = "Imprivata:Hosting";

    /// <summary>Where the function.json folders are; default: FunctionApp next to the binary.</summary>
    public string? FunctionAppPath { get; set; }

    /// <summary>How long /health waits for storage and keys before calling a part not ready.</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Standalone pump: a queue message failing this many times moves to the poison queue (the host's default is 5).</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Standalone pump: idle queue polling backs off up to this interval (host.json queues.maxPollingInterval).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Standalone pump: messages fetched per receive (host.json queues.batchSize). Like the host, the pump handles them at
    /// once and fetches more when half of a batch is left (queues.newBatchThreshold), so up to 1.5 batches run together.
    /// </summary>
    public int QueueBatchSize { get; set; } = 16;

    /// <summary>
    /// Standalone pump: per queue function (by name), polling that differs from the settings above, e.g. a queue whose
    /// messages someone waits for ("Imprivata:Hosting:QueuePolling:RadiusRequest:MaxPollingInterval").
    /// </summary>
    public Dictionary<string, QueuePolling> QueuePolling { get; } = new(StringComparer.OrdinalIgnoreCase);

    public QueuePolling PollingOf(string functionName) =>
        QueuePolling.TryGetValue(functionName, out var own)
            ? new QueuePolling { MaxPollingInterval = own.MaxPollingInterval ?? MaxPollingInterval, BatchSize = own.BatchSize ?? QueueBatchSize }
            : new QueuePolling { MaxPollingInterval = MaxPollingInterval, BatchSize = QueueBatchSize };

    public string ResolveFunctionAppPath() =>
        string.IsNullOrEmpty(FunctionAppPath) ? Path.Combine(AppContext.BaseDirectory, FunctionCatalog.FolderName) : FunctionAppPath;
}

/// <summary>One queue function's polling in standalone mode; unset values take the pump's defaults.</summary>
public sealed class QueuePolling
{
    public TimeSpan? MaxPollingInterval { get; set; }
    public int? BatchSize { get; set; }
}
