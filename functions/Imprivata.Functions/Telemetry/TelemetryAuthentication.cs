using Azure.Core;
using Azure.Identity;

namespace Imprivata.Functions.Telemetry;

/// <summary>
/// What APPLICATIONINSIGHTS_AUTHENTICATION_STRING asks for: "Authorization=AAD" means Entra ID ingestion with the managed
/// identity, the user-assigned one when "ClientId=..." names it, otherwise the system-assigned one. Anything else: the
/// connection string's instrumentation key alone.
/// </summary>
public sealed record TelemetryAuthentication(bool Entra, string? ClientId)
{
    public static TelemetryAuthentication Parse(string? value)
    {
        string? authorization = null, clientId = null;
        foreach (var part in (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                continue;
            var (key, setting) = (part[..equals].Trim(), part[(equals + 1)..].Trim());
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                authorization = setting;
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase) && setting.Length > 0)
                clientId = setting;
        }
        return new TelemetryAuthentication(string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase), clientId);
    }

    public TokenCredential? CreateCredential() => !Entra ? null
        : new ManagedIdentityCredential(ClientId is { } id ? ManagedIdentityId.FromUserAssignedClientId(id) : ManagedIdentityId.SystemAssigned);
}
