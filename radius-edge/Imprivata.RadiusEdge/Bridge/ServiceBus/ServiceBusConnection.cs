using Amqp;
using Amqp.Framing;
using Amqp.Types;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>A decision delivered on the reply link, waiting to be handled and settled on that same link.</summary>
internal sealed record ReceivedReply(IReceiverLink Link, Message Message);

/// <summary>
/// One open connection with its authorization, the request sender and the reply session receiver. <see cref="Closed"/>
/// completes (with the reason) when the connection, the session or either link goes away.
/// </summary>
internal sealed class ServiceBusConnection : IAsyncDisposable
{
    public const string SessionFilter = "com.microsoft:session-filter";
    private readonly Connection _connection;
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();

    private ServiceBusConnection(Connection connection, IAuthorizationLease lease, SenderLink requests, ReceiverLink replies)
    {
        _connection = connection;
        Lease = lease;
        Requests = requests;
        Replies = replies;
    }

    public SenderLink Requests { get; }
    public ReceiverLink Replies { get; }
    public IAuthorizationLease Lease { get; }
    public Task<string> Closed => _closed.Task;

    /// <summary>Cancelled once the connection is closed: ends work tied to it (the token renewal timer).</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    public static async Task<ServiceBusConnection> OpenAsync(ServiceBusEndpoint endpoint, IServiceBusAuthorization authorization,
        ServiceBusOptions options, string requestEntity, string edgeId, Action<ReceivedReply> onReply, CancellationToken ct)
    {
        var factory = new ConnectionFactory();
        var address = authorization.Prepare(factory);
        // The open frame names the namespace (not a private endpoint's address): Service Bus routes on it.
        factory.AMQP.HostName = endpoint.Namespace;
        factory.AMQP.ContainerId = $"radius-edge-{edgeId}-{Guid.NewGuid():N}";
        Connection connection;
        try
        {
            connection = await factory.CreateAsync(address, ct).WaitAsync(options.OperationTimeout, ct);
        }
        catch (AmqpException ex)
        {
            // The SASL outcome or the open's error; the address (with a SAS key in it) is never part of the message.
            throw new ServiceBusFailure($"Service Bus refused the connection with {authorization.Description}: {ServiceBusFailure.Describe(ex.Error)}", ex);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            throw new ServiceBusFailure($"Service Bus is unreachable at {endpoint.Host}:{endpoint.Port}: {ex.GetType().Name}", ex);
        }

        try
        {
            return await SetUpAsync(connection, authorization, options, requestEntity, edgeId, onReply, ct);
        }
        catch (Exception ex)
        {
            await CloseQuietlyAsync(connection);
            if (ex is AmqpException amqp)
                throw new ServiceBusFailure($"Service Bus closed the connection during set-up: {ServiceBusFailure.Describe(amqp.Error)}", ex);
            throw;
        }
    }

    private static async Task<ServiceBusConnection> SetUpAsync(Connection connection, IServiceBusAuthorization authorization,
        ServiceBusOptions options, string requestEntity, string edgeId, Action<ReceivedReply> onReply, CancellationToken ct)
    {
        var lease = await authorization.AuthorizeAsync(connection, [requestEntity, options.ReplyEntity], ct);
        var session = new Session(connection);
        var requests = await AmqpLinks.AttachSenderAsync(session, $"{edgeId}-requests-{Guid.NewGuid():N}", requestEntity,
            options.OperationTimeout, ct);
        // A session receiver: only the session named by this edge's id (Service Bus: SessionId is the AMQP group-id).
        var source = new Source { Address = options.ReplyEntity, FilterSet = new Map { [new Symbol(SessionFilter)] = edgeId } };
        var replies = await AmqpLinks.AttachReceiverAsync(session, $"{edgeId}-replies-{Guid.NewGuid():N}", source,
            new Target { Address = $"radius-edge-{edgeId}" }, options.OperationTimeout, ct);
        var opened = new ServiceBusConnection(connection, lease, requests, replies);
        opened.Watch(connection, "connection");
        opened.Watch(session, "session");
        opened.Watch(requests, "request link");
        opened.Watch(replies, "reply link");
        replies.Start(options.ReplyCredit, (link, message) => onReply(new ReceivedReply(link, message)));
        return opened;
    }

    /// <summary>Ends this connection (for a failed renewal): the supervisor sees <see cref="Closed"/> and reconnects.</summary>
    public void Fail(string reason)
    {
        if (_closed.TrySetResult(reason))
            // Off the AMQP I/O thread that may be calling us: cancellation runs the waiters' callbacks inline.
            ThreadPool.QueueUserWorkItem(static lifetime => lifetime.Cancel(), _lifetime, preferLocal: false);
    }

    public async ValueTask DisposeAsync()
    {
        Fail("disposed");
        await CloseQuietlyAsync(_connection);
    }

    private void Watch(AmqpObject amqp, string what) =>
        amqp.AddClosedCallback((_, error) => Fail($"{what} closed: {ServiceBusFailure.Describe(error)}"));

    private static async Task CloseQuietlyAsync(Connection connection)
    {
        try
        {
            await connection.CloseAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is AmqpException or ObjectDisposedException or IOException or TimeoutException or OperationCanceledException)
        {
            // Already gone: nothing more to release.
        }
    }
}
