using Imprivata.Functions.Oidc;
using Imprivata.Core.Audit;
using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Admin;

/// <summary>What the admin console shows once after creating a client or regenerating its secret.</summary>
public sealed record ClientCredentials(AppProfile Profile, string ClientSecret, string MetadataUrl);

/// <summary>
/// The admin's edit of the Add/Edit web application using OpenID Connect form. The URI lists are one entry per line as
/// typed, blank lines included, so that an error names the line the administrator sees.
/// </summary>
/// <param name="RequirePkce">Whether the app must send a PKCE code_challenge (RFC 7636); on unless a confidential app cannot.</param>
public sealed record OidcAppFields(string AdminName, string DisplayName, IReadOnlyList<string?> RedirectUris, IReadOnlyList<string?> PostLogoutRedirectUris,
    string? BackchannelLogoutUri = null, bool RequirePkce = true);

/// <summary>
/// Single sign-on application profiles: the profile (names, deployment) in our store and the OIDC client in the registry
/// under the same client id. Superadmin only (enforced by the endpoints). Every change is audited; secrets never are.
/// </summary>
public sealed class AppAdministration(IAppProfileStore profiles, IOidcClientRegistry registry, IDirectoryStore directory,
    AppDeploymentRule deploymentRule, AdminAudit audit, IOptions<ServiceOptions> options, TimeProvider time)
{
    public const int MaxNameLength = 128;
    public const int MaxDeploymentEntries = 100;

    /// <summary>The URL an RP needs: OIDC Discovery 1.0 section 4.</summary>
    public string MetadataUrl => new Uri(options.Value.PublicBase, ".well-known/openid-configuration").ToString();

    public async Task<IReadOnlyList<AppProfile>> ListAsync(CancellationToken ct)
    {
        var all = new List<AppProfile>();
        await foreach (var profile in profiles.ListAsync(ct).ConfigureAwait(false))
            all.Add(profile);
        return [.. all.OrderBy(p => p.AdminName, StringComparer.OrdinalIgnoreCase)];
    }

    public Task<AppProfile?> GetAsync(string clientId, CancellationToken ct) => profiles.FindAsync(clientId, ct);

    public Task<OidcClientInfo?> GetClientAsync(string clientId, CancellationToken ct) => registry.FindAsync(clientId, ct);

    public async Task<AdminResult<ClientCredentials>> CreateOidcAsync(AdminPrincipal actor, OidcAppFields fields, CancellationToken ct)
    {
        if (CheckFields(fields, out var redirects, out var postLogout, out var backchannel) is { } invalid)
        {
            await audit.RecordAsync(actor, AuditKinds.AdminAppCreate, "failure", invalid.Code, ct, detail: Where(invalid)).ConfigureAwait(false);
            return AdminResult<ClientCredentials>.Fail(invalid);
        }
        var profile = new AppProfile
        {
            ClientId = DirectoryService.NewId(),
            Protocol = AppProtocols.OpenIdConnect,
            AdminName = fields.AdminName.Trim(),
            DisplayName = fields.DisplayName.Trim(),
            CreatedAt = time.GetUtcNow(),
            BackchannelLogoutUri = backchannel,
        };
        var secret = await registry.CreateAsync(profile.ClientId, profile.DisplayName, redirects, postLogout, fields.RequirePkce, ct).ConfigureAwait(false);
        await profiles.SaveAsync(profile, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminAppCreate, ct, clientId: profile.ClientId,
            detail: $"redirect_uris={redirects.Count};pkce={(fields.RequirePkce ? "required" : "optional")}").ConfigureAwait(false);
        return AdminResult<ClientCredentials>.Ok(new ClientCredentials(profile, secret, MetadataUrl));
    }

    public async Task<AdminResult<AppProfile>> UpdateOidcAsync(AdminPrincipal actor, string clientId, OidcAppFields fields, CancellationToken ct)
    {
        var profile = await profiles.FindAsync(clientId, ct).ConfigureAwait(false);
        if (profile is null)
            return AdminResult<AppProfile>.Fail(DirectoryErrors.NotFound);
        if (CheckFields(fields, out var redirects, out var postLogout, out var backchannel) is { } invalid)
        {
            await audit.RecordAsync(actor, AuditKinds.AdminAppUpdate, "failure", invalid.Code, ct, clientId: clientId, detail: Where(invalid)).ConfigureAwait(false);
            return AdminResult<AppProfile>.Fail(invalid);
        }
        var updated = profile with { AdminName = fields.AdminName.Trim(), DisplayName = fields.DisplayName.Trim(), BackchannelLogoutUri = backchannel };
        await registry.UpdateAsync(clientId, updated.DisplayName, redirects, postLogout, fields.RequirePkce, ct).ConfigureAwait(false);
        await profiles.SaveAsync(updated, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminAppUpdate, ct, clientId: clientId, detail: "pkce=" + (fields.RequirePkce ? "required" : "optional")).ConfigureAwait(false);
        return AdminResult<AppProfile>.Ok(updated);
    }

    public async Task<AdminResult<ClientCredentials>> RegenerateSecretAsync(AdminPrincipal actor, string clientId, CancellationToken ct)
    {
        var profile = await profiles.FindAsync(clientId, ct).ConfigureAwait(false);
        if (profile is null)
            return AdminResult<ClientCredentials>.Fail(DirectoryErrors.NotFound);
        var secret = await registry.RegenerateSecretAsync(clientId, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminAppSecretRegenerate, ct, clientId: clientId).ConfigureAwait(false);
        return AdminResult<ClientCredentials>.Ok(new ClientCredentials(profile, secret, MetadataUrl));
    }

    public async Task<AdminResult<bool>> DeleteAsync(AdminPrincipal actor, string clientId, CancellationToken ct)
    {
        if (await profiles.FindAsync(clientId, ct).ConfigureAwait(false) is null)
            return AdminResult<bool>.Fail(DirectoryErrors.NotFound);
        // Registry first: a profile without a client is harmless, a client without a profile would still sign people in.
        await registry.DeleteAsync(clientId, ct).ConfigureAwait(false);
        await profiles.DeleteAsync(clientId, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminAppDelete, ct, clientId: clientId).ConfigureAwait(false);
        return AdminResult<bool>.Ok(true);
    }

    public async Task<AdminResult<AppProfile>> SetDeploymentAsync(AdminPrincipal actor, string clientId, AppDeployment deployment, CancellationToken ct)
    {
        var profile = await profiles.FindAsync(clientId, ct).ConfigureAwait(false);
        if (profile is null)
            return AdminResult<AppProfile>.Fail(DirectoryErrors.NotFound);
        if (CheckDeployment(deployment) is { } invalid)
            return AdminResult<AppProfile>.Fail(invalid);
        var clean = deployment with
        {
            Domains = Clean(deployment.Domains),
            OrganizationalUnits = [.. Clean(deployment.OrganizationalUnits).Select(OrganizationalUnits.Normalize).Where(o => o.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)],
            GroupIds = Clean(deployment.GroupIds),
            UserIds = Clean(deployment.UserIds),
        };
        var updated = profile with { Deployment = clean };
        await profiles.SaveAsync(updated, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminAppDeploy, ct, clientId: clientId,
            detail: $"deployed={clean.Deployed};all={clean.AllUsersAndGroups};domains={clean.Domains.Count};ous={clean.OrganizationalUnits.Count};groups={clean.GroupIds.Count};users={clean.UserIds.Count}").ConfigureAwait(false);
        return AdminResult<AppProfile>.Ok(updated);
    }

    public async Task<AdminResult<bool>> IsDeployedToAsync(string clientId, string userId, CancellationToken ct)
    {
        var profile = await profiles.FindAsync(clientId, ct).ConfigureAwait(false);
        var user = await directory.FindUserByIdAsync(userId, ct).ConfigureAwait(false);
        if (profile is null || user is null)
            return AdminResult<bool>.Fail(DirectoryErrors.NotFound);
        return AdminResult<bool>.Ok(await deploymentRule.IsDeployedToAsync(profile.Deployment, user, ct).ConfigureAwait(false));
    }

    private FieldError? CheckFields(OidcAppFields fields, out IReadOnlyList<Uri> redirects, out IReadOnlyList<Uri> postLogout, out Uri? backchannel)
    {
        postLogout = [];
        redirects = [];
        backchannel = null;
        if (!IsName(fields.AdminName))
            return new FieldError("name_invalid", "adminName");
        if (!IsName(fields.DisplayName))
            return new FieldError("name_invalid", "displayName");
        var localEvaluation = options.Value.PublicBase.Scheme == Uri.UriSchemeHttp;
        if (RedirectUriRules.CheckAll(fields.RedirectUris, required: true, localEvaluation, out redirects) is { } redirect)
            return redirect with { Field = "redirectUris" };
        if (RedirectUriRules.CheckAll(fields.PostLogoutRedirectUris, required: false, localEvaluation, out postLogout) is { } logout)
            return logout with { Field = "postLogoutRedirectUris" };
        return CheckBackchannel(fields.BackchannelLogoutUri, localEvaluation, out backchannel) is { } invalid ? new FieldError(invalid, "backchannelLogoutUri") : null;
    }

    private static string Where(FieldError e) => e.Field + (e.Line is { } line ? ":" + line : "");

    // Back-Channel Logout 1.0 section 2.2: absolute, no fragment; the same rules as a redirect URI (https, no user info).
    private static string? CheckBackchannel(string? text, bool localEvaluation, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(text))
            return null;
        return RedirectUriRules.Check(text.Trim(), localEvaluation, out uri) is null ? null : "backchannel_logout_uri_invalid";
    }

    private static bool IsName(string? name) => !string.IsNullOrWhiteSpace(name) && name.Trim().Length <= MaxNameLength && !name.Any(char.IsControl);

    private static string? CheckDeployment(AppDeployment d)
    {
        IReadOnlyList<string>[] lists = [d.Domains, d.OrganizationalUnits, d.GroupIds, d.UserIds];
        foreach (var list in lists)
        {
            // The profile row holds the lists in one property (32K characters): bound them well below that.
            if (list is null || list.Count > MaxDeploymentEntries || list.Any(e => e is null || e.Length > UserFieldRules.MaxFieldLength || e.Any(char.IsControl)))
                return "deployment_invalid";
        }
        return null;
    }

    private static IReadOnlyList<string> Clean(IReadOnlyList<string> values) =>
        [.. values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal)];
}
