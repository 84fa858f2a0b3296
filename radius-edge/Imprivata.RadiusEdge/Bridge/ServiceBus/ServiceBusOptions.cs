namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>How the edge proves itself to Service Bus.</summary>
public enum ServiceBusAuth
{
    /// <summary>An Entra token (Azure.Identity): the managed identity named by <see cref="ServiceBusOptions.ManagedIdentityClientId"/>, or DefaultAzureCredential.</summary>
    Entra,
    /// <summary>A shared access (SAS) rule: <see cref="ServiceBusOptions.ConnectionString"/>, or the namespace with a rule name and key.</summary>
    Sas,
}

/// <summary>
/// Settings of the Service Bus bridge (section <c>RadiusEdge:Bridge:ServiceBus</c>). Requests go to
/// <see cref="BridgeOptions.RequestQueue"/>; decisions come back on the session-enabled <see cref="ReplyEntity"/>, in the
/// session named by the edge id.
/// </summary>
public sealed class ServiceBusOptions
{
    /// <summary>The namespace host, e.g. <c>contoso.servicebus.windows.net</c> (Entra, or SAS without a connection string).</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>Optional address to connect to instead of the namespace, e.g. a private endpoint (<c>sb://10.1.2.3</c>); TLS still names the namespace.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The session-enabled queue (or <c>topic/Subscriptions/name</c>) the backend answers on.</summary>
    public string ReplyEntity { get; set; } = "radius-replies";

    public ServiceBusAuth Auth { get; set; } = ServiceBusAuth.Entra;

    /// <summary>Client id of a user-assigned managed identity (Auth = Entra); without it DefaultAzureCredential chooses.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>A SAS connection string (Auth = Sas). A secret: never logged. <c>UseDevelopmentEmulator=true</c> only for a loopback endpoint.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SAS rule name and key with <see cref="FullyQualifiedNamespace"/> (Auth = Sas, no connection string). The key is never logged.</summary>
    public string? SasKeyName { get; set; }
    public string? SasKey { get; set; }

    /// <summary>Bound on one Service Bus operation (connect, authorize, attach, send); the SDK retries within the send timeout.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Decisions fetched ahead on the reply session.</summary>
    public int ReplyCredit { get; set; } = 32;

    /// <summary>Decisions applied at once (each is one UDP reply and one settlement).</summary>
    public int ReplyConcurrency { get; set; } = 8;
}
