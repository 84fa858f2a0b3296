using Imprivata.Core.Mfa.Codes;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Secrets;

/// <summary>The HMAC key for SMS / e-mail code hashes, kept in the Secrets table (row code-hash/v1).</summary>
public sealed class TableCodeHashKey(TableSet tables) : ICodeHashKey
{
    private readonly SecretsTableKey _key = new(tables, "code-hash");

    public ValueTask<byte[]> GetAsync(CancellationToken ct) => _key.GetAsync(ct);
}
