namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>How the edge proves itself to Service Bus.</summary>
public enum ServiceBusAuth
{
    /// <summary>SASL ANONYMOUS, then an Entra token put on the <c>$cbs</c> node (DefaultAzureCredential: managed identity etc.).</summary>
    Entra,
    /// <summary>SASL PLAIN with a shared access (SAS) rule name and key.</summary>
    Sas,
}

/// <summary>
/// Settings of the Service Bus bridge (section <c>RadiusEdge:Bridge:ServiceBus</c>). Requests go to
/// <see cref="BridgeOptions.RequestQueue"/>; decisions come back on the session-enabled <see cref="ReplyEntity"/>, in the
/// session named by the edge id.
/// </summary>
public sealed class ServiceBusOptions
{
    /// <summary>The namespace host, e.g. <c>contoso.servicebus.windows.net</c>; also names the entities in CBS audiences.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>
    /// Optional transport address, e.g. <c>amqps://10.1.2.3:5671</c> for a private endpoint. Plain <c>amqp://</c> is
    /// accepted only for a loopback host (tests). Default: <c>amqps://{FullyQualifiedNamespace}:5671</c>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The session-enabled queue (or subscription path) the backend answers on.</summary>
    public string ReplyEntity { get; set; } = "radius-replies";

    public ServiceBusAuth Auth { get; set; } = ServiceBusAuth.Entra;

    /// <summary>SAS rule name and key (Auth = Sas). The key is a secret: never logged.</summary>
    public string? SasKeyName { get; set; }
    public string? SasKey { get; set; }

    /// <summary>A CBS token is renewed this long before it expires (or at half its life when that is sooner).</summary>
    public TimeSpan TokenRenewBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Reconnect backoff: doubles from the minimum up to the maximum while the connection keeps failing.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound for connecting, a CBS round trip and a link attach (Service Bus wants the token within 20 s).</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many decisions may be in flight on the reply link.</summary>
    public int ReplyCredit { get; set; } = 32;
}
