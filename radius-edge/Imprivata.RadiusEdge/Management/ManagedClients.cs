using System.Text.Json;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Ldap;
using Microsoft.Extensions.Logging;

namespace Imprivata.RadiusEdge.Management;

/// <summary>
/// The console's client list in the edge's own model: one <see cref="NasClientOptions"/> per address, first secret as
/// <c>Secret</c>, the second (while rotating) as <c>PreviousSecret</c>. Kept in <c>ManagedClientsFile</c> for an offline start.
/// </summary>
public static class ManagedClients
{
    public static NasClientTable Build(EdgeConfig config, IReadOnlyDictionary<string, LdapProfileOptions> ldap, ILogger logger) =>
        NasClientTable.Build(ToOptions(config, ldap, logger), logger);

    public static List<NasClientOptions> ToOptions(EdgeConfig config, IReadOnlyDictionary<string, LdapProfileOptions> ldap, ILogger logger)
    {
        var entries = new List<NasClientOptions>();
        foreach (var client in config.RadiusClients ?? [])
        {
            if (!client.Enabled)
                continue;
            if (!TryFirstFactor(client.FirstFactor, out var mode))
            {
                // Fail closed: a mode this edge does not know must not fall back to another way of checking passwords.
                logger.LogError("Console RADIUS client {Client}: unknown first factor {FirstFactor}: client refused", client.Name, client.FirstFactor);
                continue;
            }
            if (mode == FirstFactorMode.Ldap && (client.LdapProfile is null || !ldap.ContainsKey(client.LdapProfile)))
            {
                logger.LogError("Console RADIUS client {Client}: LDAP profile {Profile} is not configured on this edge (RadiusEdge:Ldap:<profile>): client refused",
                    client.Name, client.LdapProfile);
                continue;
            }
            if (client.Secrets is not { Count: > 0 } secrets || client.Addresses is not { Count: > 0 } addresses)
            {
                logger.LogError("Console RADIUS client {Client} has no address or no shared secret: client refused", client.Name);
                continue;
            }
            foreach (var address in addresses)
                entries.Add(new NasClientOptions
                {
                    Name = client.Name,
                    Type = string.IsNullOrWhiteSpace(client.Type) ? "Other" : client.Type,
                    Address = address,
                    Secret = secrets[0],
                    PreviousSecret = secrets.Count > 1 ? secrets[1] : null,
                    RequireMessageAuthenticator = client.RequireMessageAuthenticator,
                    LimitProxyState = client.LimitProxyState,
                    FirstFactor = mode,
                    Ldap = mode == FirstFactorMode.Ldap ? client.LdapProfile : null,
                });
        }
        return entries;
    }

    private static bool TryFirstFactor(string? text, out FirstFactorMode mode)
    {
        mode = FirstFactorMode.Directory;
        return string.IsNullOrEmpty(text) || Enum.TryParse(text, ignoreCase: true, out mode) && Enum.IsDefined(mode);
    }

    /// <summary>The cached list, or null when there is none or it cannot be read.</summary>
    public static EdgeConfig? ReadCache(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<EdgeConfig>(File.ReadAllText(path), ManagementContract.Json);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Holds shared secrets: mode 0600.</summary>
    public static void WriteCache(string path, EdgeConfig config) =>
        PrivateFile.Write(path, JsonSerializer.Serialize(config, ManagementContract.Json));
}
