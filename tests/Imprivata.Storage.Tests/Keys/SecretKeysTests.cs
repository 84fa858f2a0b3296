using System.Security.Cryptography;
using Azure.Data.Tables;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Keys;

/// <summary>
/// The Secrets table's data keys sealed by a Key Vault key-encryption key (docs/decisions/006: authenticator secrets encrypted with a
/// key-encryption key that lives in Key Vault): against Azurite and the fake vault, which enforces the wrapkey / unwrapkey shape.
/// </summary>
public sealed class SecretKeysTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly FakeKeyVault _vault = new();
    private readonly TableSet _tables = new(Azurite.NewTables());
    private readonly FakeKeyVault.Version _kek;

    public SecretKeysTests() => _kek = _vault.AddKekVersion(DateTimeOffset.UtcNow.AddDays(-30));

    public void Dispose() => _vault.Dispose();

    private KeyVaultKeyEncryptionKey Kek() => new(_vault.NewClient(), FakeKeyVault.KekName);

    private SecretKeys Sealed() => new(_tables, Kek());

    private async Task<List<TableEntity>> RowsAsync() =>
        await (await _tables.GetAsync("Secrets", Ct)).QueryAsync<TableEntity>(cancellationToken: Ct).ToListAsync(Ct);

    private static async Task<Dictionary<string, byte[]>> KeysOfAsync(SecretKeys keys)
    {
        var found = new Dictionary<string, byte[]>();
        foreach (var purpose in SecretKeys.Purposes)
            found[purpose] = await keys.For(purpose).GetAsync(Ct);
        return found;
    }

    [Fact]
    public async Task WithAKeyEncryptionKey_EveryDataKeyIsStoredOnlySealedByIt()
    {
        var keys = await KeysOfAsync(Sealed());

        var rows = await RowsAsync();
        Assert.Equal(SecretKeys.Purposes.Order(), rows.Select(r => r.PartitionKey).Order());
        foreach (var row in rows)
        {
            Assert.Null(row.GetBinary("Key"));
            Assert.Equal((FakeKeyVault.KekName, _kek.Id, "RSA-OAEP-256"), (row.GetString("KekName"), row.GetString("KekVersion"), row.GetString("KekAlg")));
            // Opened with the vault's private key, the stored bytes are the key in use: nothing else stands in for it.
            Assert.Equal(keys[row.PartitionKey], _kek.Key.Decrypt(row.GetBinary("WrappedKey"), RSAEncryptionPadding.OaepSHA256));
        }
        Assert.Equal(5, keys.Values.Select(Convert.ToHexString).Distinct().Count());
        Assert.Empty(_vault.Violations);
    }

    [Fact]
    public async Task AnotherInstance_OpensTheSameKeysThroughTheVault()
    {
        var first = await KeysOfAsync(Sealed());
        var unwrapsBefore = _vault.UnwrapCount;

        var second = await KeysOfAsync(Sealed());

        Assert.Equal(first, second);
        Assert.Equal(SecretKeys.Purposes.Count, _vault.UnwrapCount - unwrapsBefore);
    }

    [Fact]
    public async Task RacingInstances_AgreeOnOneKey()
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Sealed().For(SecretKeys.MfaSecrets).GetAsync(Ct).AsTask()));

        Assert.Single(opened.Select(Convert.ToHexString).Distinct());
        Assert.Single(await RowsAsync());
    }

    [Fact]
    public async Task AKeyStoredInTheClearBefore_IsSealedInPlace_AndWhatItEncryptedStillOpens()
    {
        // A deployment from before: an authenticator secret encrypted under a key kept in the clear.
        var before = new SecretKeys(_tables);
        var sealedSecret = await new TableSecretProtector(before).ProtectAsync("JBSWY3DPEHPK3PXP"u8.ToArray(), "enrollment-1", Ct);
        var (key, created) = await before.For(SecretKeys.MfaSecrets).GetWithCreationAsync(Ct);

        var after = Sealed();
        var opened = await new TableSecretProtector(after).UnprotectAsync(sealedSecret, "enrollment-1", Ct);

        Assert.Equal("JBSWY3DPEHPK3PXP"u8.ToArray(), opened);
        var row = Assert.Single(await RowsAsync());
        Assert.Null(row.GetBinary("Key"));
        Assert.Equal(key, _kek.Key.Decrypt(row.GetBinary("WrappedKey"), RSAEncryptionPadding.OaepSHA256));
        // The audit seal's "older than the key" rule keeps using the key's creation, not the re-write.
        Assert.Equal(created, (await Sealed().For(SecretKeys.MfaSecrets).GetWithCreationAsync(Ct)).CreatedAt);
    }

    [Fact]
    public async Task ASealedKey_WithoutKeyVaultConfigured_FailsClearly()
    {
        await Sealed().For(SecretKeys.CodeHash).GetAsync(Ct);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new SecretKeys(_tables).For(SecretKeys.CodeHash).GetAsync(Ct).AsTask());

        Assert.Contains("sealed by Key Vault key 'data-kek'", refused.Message);
    }

    [Fact]
    public async Task AVaultThatRefuses_LeavesNoKeyInTheClear()
    {
        _vault.FailWith = 403;

        var refused = await Assert.ThrowsAsync<KeyVaultRequestException>(() => Sealed().OpenAllAsync(Ct));

        Assert.Equal(403, refused.Status);
        Assert.DoesNotContain(_vault.Credential.Token, refused.Message);
        Assert.Empty(await RowsAsync());
    }

    [Fact]
    public async Task ARowNamingAnotherVaultKey_IsRefusedWithoutAskingTheVaultToUnwrap()
    {
        await Sealed().For(SecretKeys.TokenSigning).GetAsync(Ct);
        var table = await _tables.GetAsync("Secrets", Ct);
        var row = (await table.GetEntityAsync<TableEntity>(SecretKeys.TokenSigning, "v1", cancellationToken: Ct)).Value;
        row["KekName"] = FakeKeyVault.KeyName; // someone points the row at the signing key
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
        var unwrapsBefore = _vault.UnwrapCount;

        await Assert.ThrowsAsync<KeyVaultRequestException>(() => Sealed().For(SecretKeys.TokenSigning).GetAsync(Ct).AsTask());

        Assert.Equal(unwrapsBefore, _vault.UnwrapCount);
        Assert.DoesNotContain(_vault.Requests, r => r.Contains($"/keys/{FakeKeyVault.KeyName}/", StringComparison.Ordinal) && r.EndsWith("unwrapkey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reseal_MovesEveryKeyToTheNewestVersion_SoTheOldOneCanBeDisabled()
    {
        var keys = await KeysOfAsync(Sealed());
        var next = _vault.AddKekVersion(DateTimeOffset.UtcNow);

        var resealed = await Sealed().ResealAsync(Ct);
        var again = await Sealed().ResealAsync(Ct);
        _vault.Disable(_kek);

        Assert.Equal(SecretKeys.Purposes.Order(), resealed.Order());
        Assert.Empty(again);
        Assert.All(await RowsAsync(), row => Assert.Equal(next.Id, row.GetString("KekVersion")));
        Assert.Equal(keys, await KeysOfAsync(Sealed()));
    }

    [Fact]
    public async Task Reseal_AlsoSealsAKeyStillInTheClear_AndDoesNothingWithoutAVault()
    {
        await new SecretKeys(_tables).For(SecretKeys.AuditSeal).GetAsync(Ct);

        Assert.Empty(await new SecretKeys(_tables).ResealAsync(Ct));
        Assert.Equal([SecretKeys.AuditSeal], await Sealed().ResealAsync(Ct));
        Assert.Null(Assert.Single(await RowsAsync()).GetBinary("Key"));
    }

    [Fact]
    public async Task DisabledNewestVersion_NewKeysAreNotSealedUnderIt()
    {
        _vault.Disable(_kek);

        var refused = await Assert.ThrowsAsync<KeyVaultRequestException>(() => Sealed().For(SecretKeys.CodeHash).GetAsync(Ct).AsTask());

        Assert.Contains("disabled", refused.Message);
        Assert.Empty(await RowsAsync());
    }

    [Fact]
    public void AnUnknownPurpose_IsNotADataKey()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SecretKeys(_tables).For("signing"));
    }

    [Fact]
    public async Task InstancesRacingToSealTheSameClearKey_AgreeOnIt()
    {
        var clear = await new SecretKeys(_tables).For(SecretKeys.CodeHash).GetAsync(Ct);

        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Sealed().For(SecretKeys.CodeHash).GetAsync(Ct).AsTask()));

        Assert.All(opened, key => Assert.Equal(clear, key));
        var row = Assert.Single(await RowsAsync());
        Assert.Null(row.GetBinary("Key"));
        Assert.Equal(clear, _kek.Key.Decrypt(row.GetBinary("WrappedKey"), RSAEncryptionPadding.OaepSHA256));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../../keys/idp-signing/abc")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    public async Task ARowWhoseVersionIsNotAVersion_IsRefusedWithoutAskingTheVault(string version)
    {
        await Sealed().For(SecretKeys.TokenEncryption).GetAsync(Ct);
        var table = await _tables.GetAsync("Secrets", Ct);
        var row = (await table.GetEntityAsync<TableEntity>(SecretKeys.TokenEncryption, "v1", cancellationToken: Ct)).Value;
        row["KekVersion"] = version;
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
        var requestsBefore = _vault.Requests.Count;

        await Assert.ThrowsAsync<KeyVaultRequestException>(() => Sealed().For(SecretKeys.TokenEncryption).GetAsync(Ct).AsTask());

        Assert.Equal(requestsBefore, _vault.Requests.Count);
    }

    [Fact]
    public async Task ACreationTimeWrittenLaterThanTheServiceStamp_IsNotBelieved()
    {
        await Sealed().For(SecretKeys.AuditSeal).GetAsync(Ct);
        var table = await _tables.GetAsync("Secrets", Ct);
        var row = (await table.GetEntityAsync<TableEntity>(SecretKeys.AuditSeal, "v1", cancellationToken: Ct)).Value;
        // Someone who can write the table but not unwrap: a later "creation" would let stripped audit seals pass as old rows.
        row["Created"] = DateTimeOffset.UtcNow.AddYears(1);
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
        var stamped = (await table.GetEntityAsync<TableEntity>(SecretKeys.AuditSeal, "v1", cancellationToken: Ct)).Value.Timestamp;

        var (_, createdAt) = await Sealed().For(SecretKeys.AuditSeal).GetWithCreationAsync(Ct);

        Assert.Equal(stamped, createdAt);
    }
}
