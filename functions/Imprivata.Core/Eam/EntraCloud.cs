namespace Imprivata.Core.Eam;

/// <summary>
/// A Microsoft Entra cloud that may call us: where it posts from (its redirect URI), what issuer its hints carry and where its
/// signing keys are published. The request's redirect_uri picks the cloud; the hint is then judged only by that cloud's keys.
/// </summary>
public sealed record EntraCloud(string Name, string Host)
{
    public static readonly EntraCloud Public = new("public", "login.microsoftonline.com");
    public static readonly EntraCloud UsGovernment = new("usgov", "login.microsoftonline.us");
    public static readonly EntraCloud China = new("china", "login.partner.microsoftonline.cn");
    public static readonly IReadOnlyList<EntraCloud> All = [Public, UsGovernment, China];

    /// <summary>Where Entra takes the provider's answer (Microsoft Learn, "external authentication method provider").</summary>
    public string RedirectUri => $"https://{Host}/common/federation/externalauthprovider";

    /// <summary>The v2.0 issuer template; AadIssuerValidator puts the token's tid in place of {tenantid} and compares exactly.</summary>
    public string IssuerTemplate => $"https://{Host}/{{tenantid}}/v2.0";

    public string IssuerOf(string tenantId) => $"https://{Host}/{tenantId}/v2.0";

    /// <summary>The cloud's real metadata (issuer template and jwks_uri); a setting may point elsewhere (tests: a loopback authority).</summary>
    public string DefaultMetadataUrl => $"https://{Host}/common/v2.0/.well-known/openid-configuration";

    /// <summary>The cloud whose redirect URI is exactly <paramref name="redirectUri"/> (ordinal: no case folding, no trailing slash).</summary>
    public static EntraCloud? ByRedirectUri(string? redirectUri) =>
        All.FirstOrDefault(c => string.Equals(c.RedirectUri, redirectUri, StringComparison.Ordinal));

    public static EntraCloud? ByName(string? name) => All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}
