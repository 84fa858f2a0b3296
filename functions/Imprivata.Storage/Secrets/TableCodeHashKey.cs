using Imprivata.Core.Mfa.Codes;

namespace Imprivata.Storage.Secrets;

/// <summary>The HMAC key for SMS / e-mail code hashes, kept in the Secrets table (row code-hash/v1).</summary>
public sealed class TableCodeHashKey(SecretKeys keys) : ICodeHashKey
{
    private readonly SecretsTableKey _key = keys.For(SecretKeys.CodeHash);

    public ValueTask<byte[]> GetAsync(CancellationToken ct) => _key.GetAsync(ct);
}
