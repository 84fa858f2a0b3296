using System.Collections.Concurrent;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// The service's symmetric data keys, one row each in the Secrets table, sealed by the key-encryption key when one is
/// configured (Key Vault in Azure; none locally). One instance per process, so each key is read and opened once.
/// </summary>
public sealed class SecretKeys(TableSet tables, IKeyEncryptionKey? kek = null, ILogger<SecretKeys>? logger = null)
{
    public const string CodeHash = "code-hash";
    public const string MfaSecrets = "mfa-secrets";
    public const string TokenEncryption = "token-encryption";
    public const string TokenSigning = "token-signing";
    public const string AuditSeal = "audit-seal";
    public static readonly IReadOnlyList<string> Purposes = [CodeHash, MfaSecrets, TokenEncryption, TokenSigning, AuditSeal];

    private readonly ConcurrentDictionary<string, SecretsTableKey> _keys = new();
    private readonly ILogger _logger = logger ?? NullLogger<SecretKeys>.Instance;

    /// <summary>True when data keys are sealed by a key-encryption key.</summary>
    public bool Sealed => kek is not null;

    internal SecretsTableKey For(string purpose) =>
        Purposes.Contains(purpose)
            ? _keys.GetOrAdd(purpose, p => new SecretsTableKey(tables, p, kek, _logger))
            : throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Not a data key of this service.");

    /// <summary>Opens (creating where missing) every data key: the readiness check, so a vault that refuses shows at start.</summary>
    public Task OpenAllAsync(CancellationToken ct) =>
        // Side by side: each is a storage read and a vault call or two, and /health waits for all within its timeout.
        Task.WhenAll(Purposes.Select(purpose => For(purpose).GetAsync(ct).AsTask()));

    /// <summary>
    /// Re-seals every data key sealed under an older version of the key-encryption key (or still in the clear) under the
    /// current one, so retired versions can be disabled. Returns the purposes changed.
    /// </summary>
    public async Task<IReadOnlyList<string>> ResealAsync(CancellationToken ct)
    {
        if (kek is null)
            return [];
        var current = await kek.GetCurrentVersionAsync(ct).ConfigureAwait(false);
        var changed = new List<string>();
        foreach (var purpose in Purposes)
            if (await For(purpose).ResealAsync(current, ct).ConfigureAwait(false))
                changed.Add(purpose);
        return changed;
    }
}
