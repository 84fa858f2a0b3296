using System.Security.Cryptography;
using Imprivata.Core.Passwords;

namespace Imprivata.Core.UserDirectory;

/// <summary>Fields an administrator supplies for a new or edited user.</summary>
public sealed record UserFields
{
    public required string Username { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string Domain { get; init; } = DirectoryDefaults.Domain;
    public string OrganizationalUnit { get; init; } = "";
    public bool Enabled { get; init; } = true;
    public bool LicensedForSso { get; init; } = true;
    public bool LicensedForRemoteAccess { get; init; }
    public AdminRole AdminRole { get; init; } = AdminRole.None;
}

/// <summary>
/// Rules for changing users: valid names, password rules and hashing, and bumping CredentialsChangedAt so that sessions
/// and tokens issued before a password change or a disable stop working.
/// </summary>
public sealed class DirectoryService(IDirectoryStore store, PasswordHasher hasher, TimeProvider time)
{
    public async Task<DirectoryResult<DirectoryUser>> CreateUserAsync(UserFields fields, string? password, CancellationToken ct)
    {
        if (UserFieldRules.Check(fields) is { } invalid)
            return DirectoryResult<DirectoryUser>.Fail(invalid);
        if (password is not null && PasswordRules.Check(password) is { } weak)
            return DirectoryResult<DirectoryUser>.Fail(weak);
        var now = time.GetUtcNow();
        var user = Apply(new DirectoryUser { Id = NewId(), Username = fields.Username }, fields) with
        {
            PasswordHash = password is null ? null : hasher.Hash(password),
            CreatedAt = now,
            CredentialsChangedAt = now,
        };
        return await store.CreateUserAsync(user, ct).ConfigureAwait(false)
            ? DirectoryResult<DirectoryUser>.Ok(user)
            : DirectoryResult<DirectoryUser>.Fail(DirectoryErrors.UsernameTaken);
    }

    public async Task<DirectoryResult<DirectoryUser>> UpdateUserAsync(string id, UserFields fields, CancellationToken ct)
    {
        if (UserFieldRules.Check(fields) is { } invalid)
            return DirectoryResult<DirectoryUser>.Fail(invalid);
        var existing = await store.FindUserByIdAsync(id, ct).ConfigureAwait(false);
        if (existing is null)
            return DirectoryResult<DirectoryUser>.Fail(DirectoryErrors.NotFound);
        var updated = Apply(existing, fields);
        // Disabling or demoting ends what the old state allowed: sessions minted before this instant are void.
        if ((existing.Enabled && !updated.Enabled) || updated.AdminRole < existing.AdminRole)
            updated = updated with { CredentialsChangedAt = time.GetUtcNow() };
        if (!await store.UpdateUserAsync(updated, ct).ConfigureAwait(false))
            return DirectoryResult<DirectoryUser>.Fail(DirectoryErrors.UsernameTaken);
        return DirectoryResult<DirectoryUser>.Ok(updated);
    }

    public async Task<DirectoryResult<DirectoryUser>> SetEnabledAsync(string id, bool enabled, CancellationToken ct)
    {
        var existing = await store.FindUserByIdAsync(id, ct).ConfigureAwait(false);
        if (existing is null)
            return DirectoryResult<DirectoryUser>.Fail(DirectoryErrors.NotFound);
        return await UpdateUserAsync(id, ToFields(existing) with { Enabled = enabled }, ct).ConfigureAwait(false);
    }

    public async Task<DirectoryResult<DirectoryUser>> SetPasswordAsync(string id, string password, CancellationToken ct)
    {
        if (PasswordRules.Check(password) is { } weak)
            return DirectoryResult<DirectoryUser>.Fail(weak);
        var existing = await store.FindUserByIdAsync(id, ct).ConfigureAwait(false);
        if (existing is null)
            return DirectoryResult<DirectoryUser>.Fail(DirectoryErrors.NotFound);
        var updated = existing with { PasswordHash = hasher.Hash(password), CredentialsChangedAt = time.GetUtcNow() };
        if (!await store.UpdateUserAsync(updated, ct).ConfigureAwait(false))
            return DirectoryResult<DirectoryUser>.Fail(DirectoryErrors.NotFound);
        return DirectoryResult<DirectoryUser>.Ok(updated);
    }

    /// <summary>Ends the user's sessions and refresh tokens like a password change does (used by an MFA reset).</summary>
    public async Task<DirectoryResult<DirectoryUser>> MarkCredentialsChangedAsync(string id, CancellationToken ct)
    {
        var existing = await store.FindUserByIdAsync(id, ct).ConfigureAwait(false);
        if (existing is null)
            return DirectoryResult<DirectoryUser>.Fail(DirectoryErrors.NotFound);
        var updated = existing with { CredentialsChangedAt = time.GetUtcNow() };
        if (!await store.UpdateUserAsync(updated, ct).ConfigureAwait(false))
            return DirectoryResult<DirectoryUser>.Fail(DirectoryErrors.NotFound);
        return DirectoryResult<DirectoryUser>.Ok(updated);
    }

    public Task<bool> DeleteUserAsync(string id, CancellationToken ct) => store.DeleteUserAsync(id, ct);

    public static UserFields ToFields(DirectoryUser u) => new()
    {
        Username = u.Username,
        DisplayName = u.DisplayName,
        Email = u.Email,
        Phone = u.Phone,
        Domain = u.Domain,
        OrganizationalUnit = u.OrganizationalUnit,
        Enabled = u.Enabled,
        LicensedForSso = u.LicensedForSso,
        LicensedForRemoteAccess = u.LicensedForRemoteAccess,
        AdminRole = u.AdminRole,
    };

    /// <summary>128 random bits, hex: safe in table keys and URLs.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static DirectoryUser Apply(DirectoryUser user, UserFields f) => user with
    {
        Username = f.Username.Trim(),
        DisplayName = f.DisplayName.Trim(),
        Email = string.IsNullOrWhiteSpace(f.Email) ? null : f.Email.Trim(),
        Phone = string.IsNullOrWhiteSpace(f.Phone) ? null : f.Phone.Trim(),
        Domain = f.Domain.Trim(),
        OrganizationalUnit = OrganizationalUnits.Normalize(f.OrganizationalUnit),
        Enabled = f.Enabled,
        LicensedForSso = f.LicensedForSso,
        LicensedForRemoteAccess = f.LicensedForRemoteAccess,
        AdminRole = f.AdminRole,
    };
}
