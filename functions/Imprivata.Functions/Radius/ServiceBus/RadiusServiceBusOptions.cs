using System.Net;

namespace Imprivata.Functions.Radius.ServiceBus;

/// <summary>Which transport carries the bridge between edges and the backend (<c>Imprivata:Radius:Bus</c>).</summary>
public enum RadiusBus
{
    /// <summary>A shared request queue and one reply queue per edge, in the app's storage account (Azurite locally).</summary>
    StorageQueues,

    /// <summary>Azure Service Bus: pushed to the backend (no polling), decisions in the edge's session of one reply entity.</summary>
    ServiceBus,
}

/// <summary>
/// Section "Imprivata:Radius:ServiceBus", used when <see cref="RadiusOptions.Bus"/> is ServiceBus. Requests come from the entity
/// named by the app setting "RadiusRequestQueue" (the same one the Service Bus trigger's %RadiusRequestQueue% reads), decisions
/// go to <see cref="ReplyEntity"/> in the edge's session.
/// </summary>
public sealed class RadiusServiceBusOptions
{
    public const string Section = RadiusOptions.Section + ":ServiceBus";

    /// <summary>The namespace host (contoso.servicebus.windows.net), reached with the app's managed identity through Azure.Identity.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>Instead of the identity, a SAS connection string (tests, development). A secret: never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The session-enabled entity edges read decisions from (the edges' <c>Bridge:ServiceBus:ReplyEntity</c>).</summary>
    public string ReplyEntity { get; set; } = "radius-replies";

    /// <summary>Standalone pump: requests decided at once (the Service Bus processor's MaxConcurrentCalls).</summary>
    public int MaxConcurrentCalls { get; set; } = 16;

    /// <summary>
    /// How long a decision waits for its edge. Answers to a held push come up to the edge's MaxHold (2 min) after the request,
    /// so this bounds every decision; a hold decision lives no longer than its own HoldUntil.
    /// </summary>
    public TimeSpan ReplyTimeToLive { get; set; } = TimeSpan.FromMinutes(2);

    public void Validate()
    {
        var hasNamespace = !string.IsNullOrWhiteSpace(FullyQualifiedNamespace);
        var hasConnection = !string.IsNullOrWhiteSpace(ConnectionString);
        if (hasNamespace == hasConnection)
            throw new InvalidOperationException(
                $"{Section}:FullyQualifiedNamespace (managed identity) or {Section}:ConnectionString (SAS), exactly one, is required when Imprivata:Radius:Bus is ServiceBus.");
        if (hasNamespace && (FullyQualifiedNamespace!.Contains('/') || FullyQualifiedNamespace.Contains(':')))
            throw new InvalidOperationException($"{Section}:FullyQualifiedNamespace must be a host name such as contoso.servicebus.windows.net.");
        if (hasConnection)
            ValidateConnectionString(ConnectionString!);
        if (string.IsNullOrWhiteSpace(ReplyEntity))
            throw new InvalidOperationException($"{Section}:ReplyEntity must name the session-enabled reply entity.");
        if (MaxConcurrentCalls is < 1 or > 256)
            throw new InvalidOperationException($"{Section}:MaxConcurrentCalls must be between 1 and 256.");
        if (ReplyTimeToLive < TimeSpan.FromSeconds(10) || ReplyTimeToLive > TimeSpan.FromMinutes(10))
            throw new InvalidOperationException($"{Section}:ReplyTimeToLive must be between 10 seconds and 10 minutes.");
    }

    /// <summary>The namespace for logs: never a key.</summary>
    public string Describe() => string.IsNullOrWhiteSpace(ConnectionString)
        ? $"{FullyQualifiedNamespace} (managed identity)"
        : $"{Endpoint(ConnectionString)?.Host} (SAS)";

    private static void ValidateConnectionString(string connectionString)
    {
        // Parsed here rather than by the SDK, whose message could quote the string, key included.
        var endpoint = Endpoint(connectionString)
            ?? throw new InvalidOperationException($"{Section}:ConnectionString is not a Service Bus connection string (Endpoint=sb://...).");
        // Plain AMQP would carry the SAS token in clear: the development emulator mode only on loopback (tests), as the edge.
        if (Part(connectionString, "UseDevelopmentEmulator")?.Equals("true", StringComparison.OrdinalIgnoreCase) == true && !IsLoopback(endpoint.Host))
            throw new InvalidOperationException($"{Section}:ConnectionString may use UseDevelopmentEmulator (plain AMQP) only for a loopback endpoint.");
    }

    private static Uri? Endpoint(string connectionString) =>
        Uri.TryCreate(Part(connectionString, "Endpoint"), UriKind.Absolute, out var uri) && uri.Scheme == "sb" ? uri : null;

    private static string? Part(string connectionString, string name) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim())
            .FirstOrDefault();

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
