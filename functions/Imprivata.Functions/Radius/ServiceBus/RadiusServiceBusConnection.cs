using Azure.Core;
using Azure.Messaging.ServiceBus;

namespace Imprivata.Functions.Radius.ServiceBus;

/// <summary>
/// The app's one Service Bus client (one AMQP connection) and its reply sender, created on first use and disposed with the
/// container at shutdown. The managed identity (the app's <see cref="TokenCredential"/>) unless a SAS connection string is set.
/// </summary>
public sealed class RadiusServiceBusConnection : IAsyncDisposable
{
    private readonly Lazy<ServiceBusClient> _client;
    private readonly Lazy<ServiceBusSender> _replies;

    /// <param name="transport">Client options to start from (tests); AMQP over TCP either way.</param>
    public RadiusServiceBusConnection(RadiusServiceBusOptions options, Func<TokenCredential> credential, ServiceBusClientOptions? transport = null)
    {
        Options = options;
        _client = new Lazy<ServiceBusClient>(() =>
        {
            var clientOptions = transport ?? new ServiceBusClientOptions();
            clientOptions.TransportType = ServiceBusTransportType.AmqpTcp;
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new ServiceBusClient(options.FullyQualifiedNamespace, credential(), clientOptions)
                : new ServiceBusClient(options.ConnectionString, clientOptions);
        });
        _replies = new Lazy<ServiceBusSender>(() => Client.CreateSender(options.ReplyEntity));
    }

    public RadiusServiceBusOptions Options { get; }

    public ServiceBusClient Client => _client.Value;

    public ServiceBusSender Replies => _replies.Value;

    public async ValueTask DisposeAsync()
    {
        if (_replies.IsValueCreated)
            await _replies.Value.DisposeAsync().ConfigureAwait(false);
        if (_client.IsValueCreated)
            await _client.Value.DisposeAsync().ConfigureAwait(false);
    }
}
