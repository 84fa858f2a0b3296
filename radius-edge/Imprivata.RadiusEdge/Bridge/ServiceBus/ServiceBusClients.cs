using System.Net;
using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>Builds the Service Bus client from the settings, refusing the ones that would send a credential in clear.</summary>
internal static class ServiceBusClients
{
    public static ServiceBusClient Create(ServiceBusOptions options, TokenCredential? credential, ServiceBusClientOptions? transport)
    {
        var clientOptions = transport ?? new ServiceBusClientOptions();
        clientOptions.TransportType = ServiceBusTransportType.AmqpTcp;
        clientOptions.RetryOptions.TryTimeout = options.OperationTimeout;
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
            clientOptions.CustomEndpointAddress = new Uri(options.Endpoint);

        if (options.Auth == ServiceBusAuth.Sas)
            return new ServiceBusClient(SasConnectionString(options), clientOptions);

        var ns = Namespace(options);
        credential ??= string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
        return new ServiceBusClient(ns, credential, clientOptions);
    }

    /// <summary>The namespace for logs: never a key.</summary>
    public static string Describe(ServiceBusOptions options) =>
        options.Auth == ServiceBusAuth.Sas && !string.IsNullOrWhiteSpace(options.ConnectionString)
            ? $"{ServiceBusConnectionStringProperties.Parse(options.ConnectionString).FullyQualifiedNamespace} (SAS)"
            : $"{options.FullyQualifiedNamespace} ({options.Auth})";

    private static string SasConnectionString(ServiceBusOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (string.IsNullOrWhiteSpace(options.SasKeyName) || string.IsNullOrEmpty(options.SasKey))
                throw new InvalidOperationException(
                    "RadiusEdge: Bridge:ServiceBus:ConnectionString, or SasKeyName and SasKey with FullyQualifiedNamespace, are required when Auth is Sas.");
            return $"Endpoint=sb://{Namespace(options)}/;SharedAccessKeyName={options.SasKeyName};SharedAccessKey={options.SasKey}";
        }
        ServiceBusConnectionStringProperties parsed;
        try
        {
            parsed = ServiceBusConnectionStringProperties.Parse(options.ConnectionString);
        }
        catch (FormatException)
        {
            // The parser's message could quote the string, key included.
            throw new InvalidOperationException("RadiusEdge: Bridge:ServiceBus:ConnectionString is not a Service Bus connection string.");
        }
        // Without TLS the SAS token would cross the network in clear: the development emulator mode only on loopback (tests).
        if (UsesDevelopmentEmulator(options.ConnectionString) && !IsLoopback(parsed.Endpoint.Host))
            throw new InvalidOperationException("RadiusEdge: UseDevelopmentEmulator (plain AMQP) is accepted only for a loopback endpoint.");
        return options.ConnectionString;
    }

    private static bool UsesDevelopmentEmulator(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Any(pair => pair.Length == 2 && pair[0].Trim().Equals("UseDevelopmentEmulator", StringComparison.OrdinalIgnoreCase) &&
                         pair[1].Trim().Equals("true", StringComparison.OrdinalIgnoreCase));

    private static string Namespace(ServiceBusOptions options)
    {
        var ns = options.FullyQualifiedNamespace;
        if (string.IsNullOrWhiteSpace(ns) || ns.Contains('/') || ns.Contains(':'))
            throw new InvalidOperationException(
                "RadiusEdge: Bridge:ServiceBus:FullyQualifiedNamespace is required (a host name such as contoso.servicebus.windows.net).");
        return ns;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
