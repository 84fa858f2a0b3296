using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Imprivata.Core.Radius;

namespace Imprivata.Functions.Radius.Edges;

/// <summary>One RADIUS client as an edge serves it (the contract's <c>radiusClients</c> entry).</summary>
public sealed record EdgeRadiusClient(string Name, string Type, IReadOnlyList<string> Addresses, IReadOnlyList<string> Secrets,
    bool RequireMessageAuthenticator, bool LimitProxyState, string FirstFactor, string? LdapProfile, bool Enabled);

/// <summary>
/// GET /radius/v1/edges/{edgeId}/config: every RADIUS client profile the console keeps, as edges serve them. Its version is
/// the SHA-256 of the served client list, so it changes exactly when what an edge would serve changes, on every instance alike.
/// </summary>
public sealed class EdgeConfiguration(IRadiusClientStore clients)
{
    public sealed record Document(string ConfigVersion, IReadOnlyList<EdgeRadiusClient> RadiusClients);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<(Document Config, byte[] Body)> CurrentAsync(CancellationToken ct)
    {
        var profiles = await clients.ListAsync(ct).ConfigureAwait(false);
        IReadOnlyList<EdgeRadiusClient> list = [.. profiles.Select(ToEdge)];
        var version = Base64Url.EncodeToString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(list, Json)));
        var document = new Document(version, list);
        return (document, JsonSerializer.SerializeToUtf8Bytes(document, Json));
    }

    public async Task<string> VersionAsync(CancellationToken ct) => (await CurrentAsync(ct).ConfigureAwait(false)).Config.ConfigVersion;

    private static EdgeRadiusClient ToEdge(RadiusClientProfile p) => new(
        p.Name, p.Type, p.NasAddresses, p.Secrets, p.RequireMessageAuthenticator, p.LimitProxyState, p.FirstFactor.Name(),
        p.FirstFactor == FirstFactorMode.Ldap ? p.LdapProfile : null, p.Enabled);
}
