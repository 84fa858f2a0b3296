using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Core.Audit;

/// <summary>
/// What a sign-in's audit event records as the username when the typed name names nobody: people type passwords into the
/// username field, and the audit log is read by more people than should see them. Such a name is recorded as
/// <see cref="UnknownPrefix"/> and a short HMAC of it under a per-deployment key, so repeated attempts with one name still
/// correlate and nobody without the key can test guesses against it. Known accounts are recorded by their username.
/// </summary>
public sealed class AuditedUsernames(ICodeHasher keyedHash, IDirectoryStore directory)
{
    public const string UnknownPrefix = "unknown:";
    private const int FingerprintBytes = 6;

    /// <summary>What was typed, looked up in the directory first (for refusals made before any password check).</summary>
    public async ValueTask<string?> OfTypedAsync(string? typed, CancellationToken ct)
    {
        var user = typed is { Length: > 0 and <= UserFieldRules.MaxUsernameLength } && !string.IsNullOrWhiteSpace(typed)
            ? await directory.FindUserByUsernameAsync(typed.Trim(), ct).ConfigureAwait(false)
            : null;
        return await OfAsync(user?.Username, typed, ct).ConfigureAwait(false);
    }

    /// <summary>The known account's username, else the fingerprint of what was typed (null when nothing was typed).</summary>
    public async ValueTask<string?> OfAsync(string? known, string? typed, CancellationToken ct)
    {
        if (known is not null)
            return known;
        if (string.IsNullOrWhiteSpace(typed))
            return null;
        var mac = await keyedHash.HashAsync(typed.Trim().ToUpperInvariant(), "audit:unknown-username", ct).ConfigureAwait(false);
        return UnknownPrefix + Convert.ToHexString(mac, 0, FingerprintBytes).ToLowerInvariant();
    }
}
