using Imprivata.RadiusEdge.Contract;

namespace Imprivata.RadiusEdge.Bridge;

/// <summary>
/// The port between the edge and the backend. Adapters: Azure Storage Queues (<see cref="StorageQueues.StorageQueueBridge"/>);
/// Azure Service Bus (<see cref="ServiceBus.ServiceBusBridge"/>). Requests go to one shared destination; decisions come back on this edge's own.
/// </summary>
public interface IBridge
{
    /// <summary>Creates or checks the queues / links. Called once before anything is sent.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    Task SendAsync(AuthenticateRequest request, CancellationToken cancellationToken);

    /// <summary>Receives decisions until cancelled; each is passed to <paramref name="onDecision"/> then settled.</summary>
    Task ReceiveAsync(Func<Decision, CancellationToken, Task> onDecision, CancellationToken cancellationToken);

    BridgeStatus Status { get; }
}

/// <summary>
/// The bridge refused a request before taking it (unauthorized, no such queue, quota): it certainly did not reach the
/// backend. Any other failure of a send (a timeout, a lost connection) may have delivered it anyway.
/// </summary>
public sealed class BridgeRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What the health endpoint reports about the bridge.</summary>
public sealed class BridgeStatus
{
    private volatile string? _lastError;
    private long _lastSuccessTicks;

    public required string Kind { get; init; }
    public bool Connected => _lastError is null && Interlocked.Read(ref _lastSuccessTicks) != 0;
    public string? LastError => _lastError;

    public void Succeeded(DateTimeOffset at)
    {
        Interlocked.Exchange(ref _lastSuccessTicks, at.UtcTicks);
        _lastError = null;
    }

    /// <summary>A short description (exception type and status), never a connection string.</summary>
    public void Failed(string error) => _lastError = error;
}
