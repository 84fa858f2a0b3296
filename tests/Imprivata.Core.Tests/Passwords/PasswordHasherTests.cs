using System.Text;
using Imprivata.Core.Passwords;
using NSec.Cryptography;

namespace Imprivata.Core.Tests.Passwords;

/// <summary>Argon2id parameters stay within OWASP's equivalent settings; hashes made with the earlier setting keep working.</summary>
public sealed class PasswordHasherTests
{
    private const string Password = "correct horse battery staple";
    private readonly PasswordHasher _hasher = new();

    [Fact]
    public void Hash_NewPassword_UsesOwasp7MiB5PassesAndVerifies()
    {
        var hash = _hasher.Hash(Password);

        Assert.StartsWith("$argon2id$v=19$m=7168,t=5,p=1$", hash);
        Assert.True(_hasher.Verify(Password, hash));
        Assert.False(_hasher.Verify(Password + "!", hash));
        Assert.False(PasswordHasher.NeedsRehash(hash));
    }

    [Fact]
    public async Task Hash_ManyAtOnce_EachIsTheHashLibsodiumDerives()
    {
        // Hashes share pooled working memory; one leaking into another would change its bytes.
        var passwords = Enumerable.Range(0, 8).Select(i => $"{Password} {i} é").ToArray();

        var hashes = await Task.WhenAll(passwords.Select(p => Task.Run(() => _hasher.Hash(p))));

        for (var i = 0; i < passwords.Length; i++)
        {
            var parts = hashes[i].Split('$');
            var salt = Convert.FromBase64String(parts[4] + "==");
            Assert.Equal(parts[5], B64(Libsodium(passwords[i], salt, 7 * 1024, 5)));
            Assert.True(_hasher.Verify(passwords[i], hashes[i]));
        }
    }

    [Fact]
    public void Hash_LibsodiumFallbackAndVectorFill_VerifyEachOthersHashes()
    {
        var fallback = new PasswordHasher(vectorFill: false);

        Assert.True(fallback.Verify(Password, _hasher.Hash(Password)));
        Assert.True(_hasher.Verify(Password, fallback.Hash(Password)));
        Assert.False(fallback.Verify(Password + "!", _hasher.Hash(Password)));
    }

    [Theory]
    [InlineData(7 * 1024, 5)] // today's setting, made by libsodium as stored hashes were
    [InlineData(19 * 1024, 2)] // the setting used before; OWASP's first recommendation
    [InlineData(9 * 1024, 4)]
    public void Verify_HashMadeWithAnotherOwaspSetting_VerifiesWithoutRehash(int memoryKiB, int passes)
    {
        var hash = PhcOf(Password, memoryKiB, passes);

        Assert.True(_hasher.Verify(Password, hash));
        Assert.False(_hasher.Verify("wrong", hash));
        Assert.False(PasswordHasher.NeedsRehash(hash));
    }

    [Fact]
    public void Verify_ShortTagMadeByLibsodium_VerifiesThroughTheFallback()
    {
        var salt = new byte[16];
        Random.Shared.NextBytes(salt);
        var tag = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = 7 * 1024, NumberOfPasses = 5 })
            .DeriveBytes(Encoding.UTF8.GetBytes(Password), salt, 16);
        var hash = $"$argon2id$v=19$m=7168,t=5,p=1${B64(salt)}${B64(tag)}";

        Assert.True(_hasher.Verify(Password, hash));
        Assert.False(_hasher.Verify("wrong", hash));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    public void Verify_SaltOtherThan16Bytes_RejectedOnEveryCpu(int saltBytes)
    {
        // The vector fill could hash these, libsodium could not: the same stored hash must not verify on one CPU and fail on another.
        var salt = new byte[saltBytes];
        var hash = $"$argon2id$v=19$m=7168,t=5,p=1${B64(salt)}${B64(new byte[32])}";

        Assert.False(_hasher.Verify(Password, hash));
        Assert.False(new PasswordHasher(vectorFill: false).Verify(Password, hash));
    }

    [Theory]
    [InlineData(9 * 1024, 3)] // 9 MiB needs 4 passes
    [InlineData(19 * 1024, 1)]
    public void NeedsRehash_WeakerThanEveryOwaspSetting_True(int memoryKiB, int passes) =>
        Assert.True(PasswordHasher.NeedsRehash(PhcOf(Password, memoryKiB, passes)));

    [Fact]
    public void Verify_MemoryBelowOwaspsLowest_Rejected()
    {
        var hash = PhcOf(Password, 4 * 1024, 10);

        Assert.False(_hasher.Verify(Password, hash));
        Assert.True(PasswordHasher.NeedsRehash(hash));
    }

    private static string PhcOf(string password, int memoryKiB, int passes)
    {
        var salt = new byte[16];
        Random.Shared.NextBytes(salt);
        var hash = Libsodium(password, salt, memoryKiB, passes);
        return $"$argon2id$v=19$m={memoryKiB},t={passes},p=1${B64(salt)}${B64(hash)}";
    }

    private static byte[] Libsodium(string password, byte[] salt, int memoryKiB, int passes) =>
        PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKiB, NumberOfPasses = passes })
            .DeriveBytes(Encoding.UTF8.GetBytes(password), salt, 32);

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');
}
