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

    /// <summary>Standalone pump: messages fetched per receive (host.json queues.batchSize).</summary>
    public int QueueBatchSize { get; set; } = 16;

    public string ResolveFunctionAppPath() =>
        string.IsNullOrEmpty(FunctionAppPath) ? Path.Combine(AppContext.BaseDirectory, FunctionCatalog.FolderName) : FunctionAppPath;
}
