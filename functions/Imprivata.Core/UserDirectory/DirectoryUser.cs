namespace Imprivata.Core.UserDirectory;

/// <summary>A person in the built-in directory. The Id is stable; the username may be renamed.</summary>
public sealed record DirectoryUser
{
    public required string Id { get; init; }
    public required string Username { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public bool Enabled { get; init; } = true;
    /// <summary>Licensed for Web SSO (the "Single Sign On" licence flag).</summary>
    public bool LicensedForSso { get; init; } = true;
    public bool LicensedForRemoteAccess { get; init; }
    /// <summary>Directory domain, e.g. "corp.example"; deployment can target a whole domain.</summary>
    public string Domain { get; init; } = DirectoryDefaults.Domain;
    /// <summary>Container path such as "Clinical/Nursing"; empty for the domain root.</summary>
    public string OrganizationalUnit { get; init; } = "";
    /// <summary>PHC-style password hash, null when the user has no local password.</summary>
    public string? PasswordHash { get; init; }
    public AdminRole AdminRole { get; init; } = AdminRole.None;
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Bumped on password change or MFA reset; sessions and refresh tokens minted before it are void.</summary>
    public DateTimeOffset CredentialsChangedAt { get; init; }
}

public enum AdminRole
{
    None = 0,
    Helpdesk = 1,
    Superadmin = 2,
}

public static class DirectoryDefaults
{
    public const string Domain = "local";
}
