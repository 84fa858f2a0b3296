using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// HMAC-SHA256 for short codes, keyed with 256 random bits kept in the Secrets table (its own row, apart from the
/// secret-sealing key): a stolen TemporaryCodes table alone does not give the codes away by trying every value.
/// The context (e.g. the user id) is hashed in, so equal codes of two users hash differently.
/// </summary>
public sealed class TableCodeHasher(TableSet tables) : ICodeHasher
{
    private const string Table = "Secrets";
    private const string Partition = "code-hash";
    private const string Row = "v1";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async ValueTask<byte[]> HashAsync(string code, string context, CancellationToken ct)
    {
        var key = await KeyAsync(ct).ConfigureAwait(false);
        // Length-prefixed context, so ("ab", "c") and ("a", "bc") never collide.
        var contextBytes = Encoding.UTF8.GetBytes(context);
        var message = new byte[4 + contextBytes.Length + Encoding.UTF8.GetByteCount(code)];
        BitConverter.TryWriteBytes(message.AsSpan(0, 4), contextBytes.Length);
        contextBytes.CopyTo(message, 4);
        Encoding.UTF8.GetBytes(code, message.AsSpan(4 + contextBytes.Length));
        return HMACSHA256.HashData(key, message);
    }

    private async ValueTask<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is { } cached)
            return cached;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return _key ??= await LoadOrCreateAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: ct).ConfigureAwait(false);
        if (existing.HasValue && existing.Value?.GetBinary("Key") is { Length: 32 } key)
            return key;
        try
        {
            await table.AddEntityAsync(new TableEntity(Partition, Row) { ["Key"] = RandomNumberGenerator.GetBytes(32) }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            // Another instance created it first: use theirs.
        }
        var row = await table.GetEntityAsync<TableEntity>(Partition, Row, cancellationToken: ct).ConfigureAwait(false);
        return row.Value.GetBinary("Key") ?? throw new InvalidOperationException("Code hash key row has no key.");
    }
}
