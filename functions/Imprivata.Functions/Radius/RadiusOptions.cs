using Imprivata.Functions.Radius.ServiceBus;

namespace Imprivata.Functions.Radius;

/// <summary>Settings of the RADIUS backend, section "Imprivata:Radius" (the request queue's name is the app setting <see cref="RadiusSetup.RequestQueueSetting"/>).</summary>
public sealed class RadiusOptions
{
    public const string Section = "Imprivata:Radius";

    /// <summary>The bridge transport: StorageQueues (default; Azurite locally) or ServiceBus (production in Azure: no polling delay).</summary>
    public RadiusBus Bus { get; set; } = RadiusBus.StorageQueues;

    /// <summary>Used when <see cref="Bus"/> is ServiceBus.</summary>
    public RadiusServiceBusOptions ServiceBus { get; set; } = new();

    /// <summary>Edges read their decisions from this prefix + their edge id (the edge's <c>Bridge:ReplyQueuePrefix</c>).</summary>
    public string ReplyQueuePrefix { get; set; } = "radius-replies-";

    /// <summary>
    /// A request with less than this left before its deadline is shed, not decided: its answer (a password hash, storage
    /// writes, the reply queue, the edge's poll) would reach the gateway too late, and deciding it under overload only makes
    /// the next requests late too. Shed requests are audited (radius.ignored, deadline_passed) and counted.
    /// </summary>
    public TimeSpan DecisionReserve { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an Access-Challenge may be answered (the user reads a text message, types a code).</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>A copy of a request another instance is still deciding waits this long for that answer, then is left unanswered.</summary>
    public TimeSpan RetransmissionWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Name of the RSA key in Key Vault that edges seal passwords to (keyOps unwrapKey; Imprivata:KeyProvider = keyvault).</summary>
    public string KeyVaultSealKeyName { get; set; } = "radius-seal";

    /// <summary>Standalone pump: the request queue is polled at least this often when idle (the default for other queues is 2 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Standalone pump: requests fetched per receive; up to 1.5 times as many are decided at once.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>How often connected edges send a heartbeat (told to them at connect and in every heartbeat answer); three missed = not connected.</summary>
    public TimeSpan EdgeHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    public void Validate()
    {
        // Under 20 s a console change reaches every edge within a minute even when a heartbeat is lost (the contract's promise).
        if (EdgeHeartbeatInterval < TimeSpan.FromSeconds(5) || EdgeHeartbeatInterval > TimeSpan.FromSeconds(20))
            throw new InvalidOperationException("Imprivata:Radius:EdgeHeartbeatInterval must be between 5 and 20 seconds.");
        if (!Enum.IsDefined(Bus))
            throw new InvalidOperationException("Imprivata:Radius:Bus must be StorageQueues or ServiceBus.");
        if (Bus == RadiusBus.ServiceBus)
            ServiceBus.Validate();
        if (string.IsNullOrWhiteSpace(ReplyQueuePrefix))
            throw new InvalidOperationException("Imprivata:Radius:ReplyQueuePrefix must not be empty.");
        if (ChallengeLifetime < TimeSpan.FromSeconds(30) || ChallengeLifetime > TimeSpan.FromMinutes(15))
            throw new InvalidOperationException("Imprivata:Radius:ChallengeLifetime must be between 30 seconds and 15 minutes.");
        if (RetransmissionWait < TimeSpan.Zero || RetransmissionWait > TimeSpan.FromSeconds(30))
            throw new InvalidOperationException("Imprivata:Radius:RetransmissionWait must be between 0 and 30 seconds.");
        if (DecisionReserve < TimeSpan.Zero || DecisionReserve > TimeSpan.FromSeconds(30))
            throw new InvalidOperationException("Imprivata:Radius:DecisionReserve must be between 0 and 30 seconds.");
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromSeconds(2))
            throw new InvalidOperationException("Imprivata:Radius:PollInterval must be between 10 ms and 2 s.");
        if (BatchSize is < 1 or > 32)
            throw new InvalidOperationException("Imprivata:Radius:BatchSize must be between 1 and 32 (a queue receive returns at most 32).");
    }
}
