using Imprivata.Functions.Oidc;
using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Settings;

namespace Imprivata.Functions.Admin;

public sealed record UserRequest(
    string? Username, string? DisplayName, string? Email, string? Phone, string? Domain, string? OrganizationalUnit,
    bool? Enabled, bool? LicensedForSso, bool? LicensedForRemoteAccess, string? AdminRole, string? Password)
{
    public string? ToFields(out UserFields fields)
    {
        fields = null!;
        if (!AdminRoles.TryParse(AdminRole, out var role))
            return DirectoryErrors.FieldInvalid;
        fields = new UserFields
        {
            Username = Username ?? "",
            DisplayName = DisplayName ?? "",
            Email = Email,
            Phone = Phone,
            Domain = string.IsNullOrWhiteSpace(Domain) ? DirectoryDefaults.Domain : Domain,
            OrganizationalUnit = OrganizationalUnit ?? "",
            Enabled = Enabled ?? true,
            LicensedForSso = LicensedForSso ?? true,
            LicensedForRemoteAccess = LicensedForRemoteAccess ?? false,
            AdminRole = role,
        };
        return null;
    }
}

public static class AdminRoles
{
    /// <summary>By name only ("None", "Helpdesk", "Superadmin"); numbers and unknown names are refused. Null means None.</summary>
    public static bool TryParse(string? text, out AdminRole role)
    {
        role = AdminRole.None;
        if (string.IsNullOrEmpty(text))
            return true;
        return !text.Any(char.IsDigit) && Enum.TryParse(text, ignoreCase: true, out role) && Enum.IsDefined(role);
    }
}

public sealed record PasswordRequest(string? Password);
public sealed record GroupRequest(string? Name, string? Description);
public sealed record MemberRequest(string? Kind, string? Id);
/// <param name="RequirePkce">Absent means required (the recommended setting); false only where a confidential app cannot send PKCE.</param>
public sealed record AppRequest(string? AdminName, string? DisplayName, IReadOnlyList<string?>? RedirectUris, IReadOnlyList<string?>? PostLogoutRedirectUris,
    string? BackchannelLogoutUri = null, bool? RequirePkce = null)
{
    public OidcAppFields ToFields() => new(AdminName ?? "", DisplayName ?? "", RedirectUris ?? [], PostLogoutRedirectUris ?? [], BackchannelLogoutUri, RequirePkce ?? true);
}
/// <summary>PUT /console/api/settings/web-login. The timeout is minutes, or an explicit null for "off": leaving it out is an error.</summary>
public sealed class WebLoginRequest
{
    private readonly int? _sessionTimeoutMinutes;

    public string? BackgroundColor { get; init; }

    public int? SessionTimeoutMinutes
    {
        get => _sessionTimeoutMinutes;
        init { _sessionTimeoutMinutes = value; HasSessionTimeout = true; }
    }

    /// <summary>Whether the body named the timeout at all: System.Text.Json sets a property, even to null, only when present.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasSessionTimeout { get; private set; }
}

/// <summary>A user as the API shows it: never the password hash.</summary>
public sealed record UserView(string Id, string Username, string DisplayName, string? Email, string? Phone, string Domain, string OrganizationalUnit,
    bool Enabled, bool LicensedForSso, bool LicensedForRemoteAccess, string AdminRole, bool HasPassword, DateTimeOffset CreatedAt, DateTimeOffset CredentialsChangedAt)
{
    public static UserView Of(DirectoryUser u) => new(u.Id, u.Username, u.DisplayName, u.Email, u.Phone, u.Domain, u.OrganizationalUnit,
        u.Enabled, u.LicensedForSso, u.LicensedForRemoteAccess, u.AdminRole.ToString(), u.PasswordHash is not null, u.CreatedAt, u.CredentialsChangedAt);
}

public sealed record AppView(string ClientId, string Protocol, string AdminName, string DisplayName, AppDeployment Deployment, DateTimeOffset CreatedAt,
    IReadOnlyList<Uri>? RedirectUris, IReadOnlyList<Uri>? PostLogoutRedirectUris, string MetadataUrl, Uri? BackchannelLogoutUri, bool? RequirePkce)
{
    public static AppView Of(AppProfile p, OidcClientInfo? client, string metadataUrl) =>
        new(p.ClientId, p.Protocol, p.AdminName, p.DisplayName, p.Deployment, p.CreatedAt, client?.RedirectUris, client?.PostLogoutRedirectUris, metadataUrl,
            p.BackchannelLogoutUri, client?.RequirePkce);
}

public sealed record CredentialsView(string ClientId, string ClientSecret, string MetadataUrl);

public sealed record WebLoginView(string BackgroundColor, int? SessionTimeoutMinutes, bool HasLogo, string? LogoContentType)
{
    public static WebLoginView Of(WebLoginSettings s) =>
        new(s.BackgroundColor, s.SessionTimeout is { } t ? (int)t.TotalMinutes : null, s.Logo is not null, s.LogoContentType);
}
