using Imprivata.Core.Passwords;
using NSec.Cryptography;
using BcArgon2 = Org.BouncyCastle.Crypto.Parameters.Argon2Parameters;
using BcArgon2Generator = Org.BouncyCastle.Crypto.Generators.Argon2BytesGenerator;

namespace Imprivata.Core.Tests.Passwords;

/// <summary>
/// Our Argon2id memory fill is hand-written, so it is held to RFC 9106's test vector and fuzzed against two independent
/// implementations: libsodium (through NSec, what stored hashes were made with) and Bouncy Castle (lanes, secret and
/// associated data, which libsodium's API does not take).
/// </summary>
public sealed class Argon2idDerivationTests
{
    [Fact]
    public void Derive_Rfc9106Section5_3Vector_GivesTheRfcsTag()
    {
        var tag = new byte[32];

        Argon2idDerivation.Derive(Fill(32, 0x01), Fill(16, 0x02), Fill(8, 0x03), Fill(12, 0x04), memoryKiB: 32, passes: 3, lanes: 4, tag, Memory(32, 4));

        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void Derive_ProductionSetting_MatchesLibsodium()
    {
        var password = "correct horse battery staple"u8.ToArray();
        var salt = Fill(16, 0x5a);
        var tag = new byte[32];

        Argon2idDerivation.Derive(password, salt, default, default, 7 * 1024, 5, 1, tag, Memory(7 * 1024, 1));

        Assert.Equal(Libsodium(password, salt, 7 * 1024, 5, 32), tag);
    }

    [Fact]
    public void Derive_RandomInputs_MatchLibsodium()
    {
        const int seed = 20261128;
        var random = new Random(seed);
        for (var run = 0; run < 40; run++)
        {
            var password = Bytes(random, random.Next(0, 200));
            var salt = Bytes(random, 16);
            var (memoryKiB, passes) = (random.Next(8, 2048), random.Next(1, 6));
            var length = random.Next(32, 300);
            var tag = new byte[length];

            Argon2idDerivation.Derive(password, salt, default, default, memoryKiB, passes, 1, tag, Memory(memoryKiB, 1));

            Assert.True(Libsodium(password, salt, memoryKiB, passes, length).AsSpan().SequenceEqual(tag),
                $"seed {seed} run {run}: m={memoryKiB} t={passes} tag={length} password={password.Length} bytes");
        }
    }

    [Fact]
    public void Derive_RandomLanesSecretAndAssociatedData_MatchBouncyCastle()
    {
        const int seed = 9106;
        var random = new Random(seed);
        for (var run = 0; run < 40; run++)
        {
            var lanes = random.Next(1, 9);
            var password = Bytes(random, random.Next(0, 100));
            var salt = Bytes(random, random.Next(8, 40));
            var secret = Bytes(random, random.Next(0, 3) == 0 ? 0 : random.Next(1, 64));
            var associatedData = Bytes(random, random.Next(0, 3) == 0 ? 0 : random.Next(1, 64));
            // Every fourth run is large enough for segments of several address blocks (128 references each) per lane.
            var (memoryKiB, passes) = (random.Next(8 * lanes, run % 4 == 0 ? 8192 : 1024), random.Next(1, 5));
            var tag = new byte[random.Next(32, 200)];

            Argon2idDerivation.Derive(password, salt, secret, associatedData, memoryKiB, passes, lanes, tag, Memory(memoryKiB, lanes));

            var expected = new byte[tag.Length];
            var generator = new BcArgon2Generator();
            generator.Init(new BcArgon2.Builder(BcArgon2.Argon2id).WithVersion(BcArgon2.Version13).WithIterations(passes)
                .WithMemoryAsKB(memoryKiB).WithParallelism(lanes).WithSalt(salt).WithSecret(secret).WithAdditional(associatedData).Build());
            generator.GenerateBytes(password, expected);
            Assert.True(expected.AsSpan().SequenceEqual(tag),
                $"seed {seed} run {run}: p={lanes} m={memoryKiB} t={passes} tag={tag.Length} salt={salt.Length} secret={secret.Length} ad={associatedData.Length}");
        }
    }

    [Fact]
    public void Derive_MemoryLeftFromAnotherHash_GivesTheSameTag()
    {
        var memory = Memory(64, 1);
        var first = new byte[32];
        var again = new byte[32];
        Argon2idDerivation.Derive("one"u8, Fill(16, 1), default, default, 64, 2, 1, first, memory);
        Argon2idDerivation.Derive("two"u8, Fill(16, 2), default, default, 64, 2, 1, new byte[32], memory);

        Argon2idDerivation.Derive("one"u8, Fill(16, 1), default, default, 64, 2, 1, again, memory);

        Assert.Equal(first, again);
    }

    [Theory]
    [InlineData(7, 1, 1, 32, 16)] // below 8 KiB per lane
    [InlineData(64, 0, 1, 32, 16)] // no pass
    [InlineData(64, 1, 0, 32, 16)] // no lane
    [InlineData(64, 1, 1, 31, 16)] // tag shorter than H' can make with NSec's BLAKE2b
    [InlineData(64, 1, 1, 32, 7)] // salt below RFC 9106's 8 bytes
    [InlineData(1 << 24, 1, 1, 32, 16)] // 16 GiB: block offsets would pass 2^31 words
    [InlineData(64, 1, 1 << 28, 32, 16)] // 8 KiB per lane would overflow
    public void Derive_ParametersOutOfRange_Refused(int memoryKiB, int passes, int lanes, int tagLength, int saltLength) =>
        Assert.Throws<ArgumentException>(() =>
            Argon2idDerivation.Derive("p"u8, new byte[saltLength], default, default, memoryKiB, passes, lanes, new byte[tagLength], new ulong[64 * 1024]));

    [Fact]
    public void Derive_MemorySmallerThanTheCost_Refused() =>
        Assert.Throws<ArgumentException>(() =>
            Argon2idDerivation.Derive("p"u8, new byte[16], default, default, 64, 1, 1, new byte[32], new ulong[63 * Argon2idDerivation.BlockWords]));

    private static byte[] Libsodium(byte[] password, byte[] salt, int memoryKiB, int passes, int length) =>
        PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKiB, NumberOfPasses = passes })
            .DeriveBytes(password, salt, length);

    private static ulong[] Memory(int memoryKiB, int lanes) => new ulong[Argon2idDerivation.BlockCount(memoryKiB, lanes) * Argon2idDerivation.BlockWords];

    private static byte[] Fill(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
