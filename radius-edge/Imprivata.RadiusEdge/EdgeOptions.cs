using Imprivata.RadiusEdge.Ldap;

namespace Imprivata.RadiusEdge;

/// <summary>
/// Every setting of the edge, in one place (section "RadiusEdge"; environment: RadiusEdge__Port etc.).
/// Defaults are the secure ones; <see cref="EdgeOptionsCheck"/> warns about the rest at start.
/// </summary>
public sealed class EdgeOptions
{
    public const string Section = "RadiusEdge";

    /// <summary>Names this edge to the backend; its reply queue / session is derived from it.</summary>
    public string EdgeId { get; set; } = "edge-" + Environment.MachineName.ToLowerInvariant();

    /// <summary>UDP address and port for RADIUS authentication (RFC 2865 §3: 1812).</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";
    public int Port { get; set; } = 1812;

    /// <summary>The health endpoint listens on loopback only.</summary>
    public int HealthPort { get; set; } = 18120;

    /// <summary>How long a request waits for the backend's decision; 35 s so that a 30 s push fits. Then: no answer.</summary>
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromSeconds(35);

    /// <summary>
    /// The longest one send to the bridge may take. A send that timed out may still land, so the request stays pending
    /// until its deadline and the NAS's retransmissions are duplicates (RFC 5080 §2.2.2); only a refused send is forgotten.
    /// </summary>
    public TimeSpan BridgeSendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest "hold" decisions may keep a request pending, counted from the arrival of the first hold.</summary>
    public TimeSpan MaxHold { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// RFC 5080 §2.2.2: how long a completed request is remembered (its reply resent to retransmissions). Counted from
    /// completion, so it outlives the hold time plus the NAS's retries.
    /// </summary>
    public TimeSpan DuplicateLifetime { get; set; } = TimeSpan.FromSeconds(60);
    public int DuplicateCapacity { get; set; } = 65_536;
    public int MaxPending { get; set; } = 4_096;

    /// <summary>The exchange log (one line per request and reply), in the spirit of the vendor's serverProxy.log.</summary>
    public string? ExchangeLogPath { get; set; }

    /// <summary>
    /// Exchange-log lines waiting for the writer (about 100 bytes each). When full, lines are counted and reported as a
    /// LOST line instead of slowing the receiver.
    /// </summary>
    public int ExchangeLogQueue { get; set; } = 32_768;

    /// <summary>Threads receiving RADIUS datagrams (each handles a retransmission to the end without a thread hop); 0 = one per CPU, at most 4.</summary>
    public int ReceiveThreads { get; set; }

    /// <summary>JSON file with the RADIUS clients ("RadiusClients": [...]); reloaded when it changes.</summary>
    public string? ClientsFile { get; set; }

    /// <summary>
    /// Where <c>connect</c> writes this edge's console credential (mode 0600). When the file exists the edge is connected:
    /// the console manages its client list, seal key and whether it serves.
    /// </summary>
    public string CredentialFile { get; set; } = "edge-credential.json";

    /// <summary>A connected edge's last client list from the console (mode 0600), served when it starts with the backend unreachable.</summary>
    public string ManagedClientsFile { get; set; } = "managed-clients.json";

    /// <summary>True when a credential file exists: <see cref="ClientsFile"/> and the backend key become optional.</summary>
    public bool Connected => File.Exists(Path.GetFullPath(CredentialFile));

    public BridgeOptions Bridge { get; set; } = new();

    /// <summary>On-premises directories for RADIUS clients with <c>FirstFactor: Ldap</c>, by profile name.</summary>
    public Dictionary<string, LdapProfileOptions> Ldap { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class BridgeOptions
{
    /// <summary>"StorageQueues" (Azure Storage Queues / Azurite) or "ServiceBus" (AMQP 1.0, settings in <see cref="ServiceBus"/>).</summary>
    public string Kind { get; set; } = "StorageQueues";

    /// <summary>Storage connection string (or a SAS connection string) for the queues.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>The shared request queue (Service Bus: the queue or topic entity requests are sent to).</summary>
    public string RequestQueue { get; set; } = "radius-requests";

    public Bridge.ServiceBus.ServiceBusOptions ServiceBus { get; set; } = new();

    /// <summary>The reply queue is this prefix followed by the edge id (lowercase, letters, digits and hyphens).</summary>
    public string ReplyQueuePrefix { get; set; } = "radius-replies-";

    /// <summary>The longest wait between polls of an empty reply queue (the wait doubles from MinPollInterval up to this).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The first wait after an empty poll; right after replies arrived the queue is polled again at once.</summary>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The backend's RSA public key (PEM, inline or a file) that passwords are sealed to, and its key id.</summary>
    public string? BackendPublicKeyPem { get; set; }
    public string? BackendPublicKeyFile { get; set; }
    public string? BackendKeyId { get; set; }
}

/// <summary>Start-up checks: misconfiguration throws, insecure-but-allowed settings are warned about.</summary>
internal static class EdgeOptionsCheck
{
    public static void Validate(EdgeOptions o)
    {
        if (o.DecisionTimeout <= TimeSpan.Zero || o.DuplicateLifetime <= TimeSpan.Zero)
            throw new InvalidOperationException("RadiusEdge: DecisionTimeout and DuplicateLifetime must be positive.");
        if (o.DuplicateCapacity < 1 || o.MaxPending < 1)
            throw new InvalidOperationException("RadiusEdge: DuplicateCapacity and MaxPending must be at least 1.");
        // A connected edge receives both from the console; one running from local files needs them.
        if (string.IsNullOrWhiteSpace(o.ClientsFile) && !o.Connected)
            throw new InvalidOperationException("RadiusEdge: ClientsFile is required (the RADIUS client list), unless the edge is connected (see 'connect').");
        if (string.IsNullOrWhiteSpace(o.Bridge.BackendPublicKeyPem) && string.IsNullOrWhiteSpace(o.Bridge.BackendPublicKeyFile) && !o.Connected)
            throw new InvalidOperationException("RadiusEdge: Bridge:BackendPublicKeyPem or BackendPublicKeyFile is required (passwords are sealed to it), unless the edge is connected (see 'connect').");
        foreach (var (name, profile) in o.Ldap)
            ValidateLdap(name, profile);
    }

    private static void ValidateLdap(string name, LdapProfileOptions p)
    {
        if (!Uri.TryCreate(p.Url, UriKind.Absolute, out var url) || url.Scheme is not ("ldap" or "ldaps"))
            throw new InvalidOperationException($"RadiusEdge: Ldap:{name}:Url must be an ldaps:// or ldap:// address.");
        if (string.IsNullOrWhiteSpace(p.UserSearchBase))
            throw new InvalidOperationException($"RadiusEdge: Ldap:{name}:UserSearchBase is required.");
        if (!p.UserFilter.Contains("{0}", StringComparison.Ordinal))
            throw new InvalidOperationException($"RadiusEdge: Ldap:{name}:UserFilter must contain {{0}} (the user name).");
        // RFC 4513 §5.1.2 / §3: simple binds carry passwords; without TLS only to a directory on this machine.
        if (url.Scheme == "ldap" && !p.StartTls && !(url.IsLoopback || (System.Net.IPAddress.TryParse(url.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip))))
            throw new InvalidOperationException($"RadiusEdge: Ldap:{name} uses ldap:// without StartTls to a host that is not loopback: passwords would travel in clear.");
        if (p.Timeout <= TimeSpan.Zero || p.MaxNestingDepth < 1)
            throw new InvalidOperationException($"RadiusEdge: Ldap:{name}:Timeout must be positive and MaxNestingDepth at least 1.");
    }
}
