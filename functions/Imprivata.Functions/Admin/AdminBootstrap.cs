using System.Security.Cryptography;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Admin;

/// <summary>
/// Guarantees a way in: when no enabled superadmin exists, creates (or re-enables with a fresh password) the local
/// break-glass account "breakglass" and returns its password for the run script to print once. The password is never logged.
/// </summary>
public sealed class AdminBootstrap(IDirectoryStore directory, DirectoryService users, ILogger<AdminBootstrap> logger)
{
    public const string BreakGlassUsername = "breakglass";

    /// <summary>
    /// The address to count the break-glass account's wrong passwords under, else null: its name is fixed and public, so a
    /// per-account wait would let anybody keep the way in shut (only each address's own guesses slow that address down).
    /// </summary>
    public static string? CountedPerAddress(DirectoryUser? user, string? address) =>
        user is not null && string.Equals(user.Username, BreakGlassUsername, StringComparison.OrdinalIgnoreCase) ? address ?? "unknown" : null;
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private const int PasswordLength = 24;

    /// <summary>The new password when the account was created or reset, otherwise null.</summary>
    public async Task<string?> EnsureBreakGlassAsync(CancellationToken ct)
    {
        await foreach (var user in directory.ListUsersAsync(ct).ConfigureAwait(false))
        {
            if (user.AdminRole == AdminRole.Superadmin && user.Enabled)
                return null;
        }
        var password = RandomNumberGenerator.GetString(Alphabet, PasswordLength);
        var fields = new UserFields { Username = BreakGlassUsername, DisplayName = "Break-glass administrator", AdminRole = AdminRole.Superadmin };
        var existing = await directory.FindUserByUsernameAsync(BreakGlassUsername, ct).ConfigureAwait(false);
        if (existing is null)
        {
            var created = await users.CreateUserAsync(fields, password, ct).ConfigureAwait(false);
            if (!created.Succeeded)
                throw new InvalidOperationException("The break-glass administrator could not be created: " + created.Error);
        }
        else
        {
            var updated = await users.UpdateUserAsync(existing.Id, fields, ct).ConfigureAwait(false);
            var reset = updated.Succeeded ? await users.SetPasswordAsync(existing.Id, password, ct).ConfigureAwait(false) : null;
            if (reset is not { Succeeded: true })
                throw new InvalidOperationException("The break-glass administrator could not be restored.");
        }
        logger.LogWarning("No superadmin existed: the break-glass account {Username} was provisioned", BreakGlassUsername);
        return password;
    }
}
