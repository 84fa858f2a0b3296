using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Imprivata.Core.Passwords;

/// <summary>
/// Argon2id at OWASP's recommended strength, stored as a PHC string so parameters can be raised later. OWASP's Password
/// Storage Cheat Sheet lists five settings that "provide an equal level of defense" (m=46 MiB t=1, 19 MiB t=2, 12 MiB t=3,
/// 9 MiB t=4, 7 MiB t=5, all p=1). New hashes use m=7 MiB, t=5, the setting with the least memory traffic (and Keycloak's
/// default): on the 2-core benchmark machine libsodium spent 30-38 ms of CPU on it under load against 78-86 ms for
/// m=19 MiB, t=2. The hash is most of a password login's cost, so it runs in <see cref="Argon2idDerivation"/> over reused memory
/// (libsodium where AVX2 is missing; both give the same bytes). Hashes made with any of the listed settings verify and
/// need no rehash.
/// </summary>
public sealed class PasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int MemoryKiB = 7 * 1024;
    private const int Passes = 5;
    // OWASP's equivalent (memory KiB, passes) pairs, p=1; anything weaker than all of them needs a rehash.
    private static readonly (int MemoryKiB, int Passes)[] OwaspMinimums = [(46 * 1024, 1), (19 * 1024, 2), (12 * 1024, 3), (9 * 1024, 4), (7 * 1024, 5)];
    private static readonly PasswordBasedKeyDerivationAlgorithm Argon2 = PasswordBasedKeyDerivationAlgorithm.Argon2id(
        new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = MemoryKiB, NumberOfPasses = Passes });

    // One buffer per core is enough: a hash is CPU-bound, so more than that in flight only queue for the cores.
    private static readonly Argon2Memory Memory = new(MemoryKiB * Argon2idDerivation.BlockWords, Environment.ProcessorCount);

    // Verified for unknown users so that "no such user" costs the same time as "wrong password" (timing oracle).
    private readonly Lazy<string> _dummyHash;

    private readonly bool _vectorFill;

    public PasswordHasher() : this(Argon2idDerivation.IsSupported) { }

    /// <summary>Tests pass false to run the libsodium fallback that CPUs without AVX2 use.</summary>
    internal PasswordHasher(bool vectorFill)
    {
        _vectorFill = vectorFill && Argon2idDerivation.IsSupported;
        _dummyHash = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
    }

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, MemoryKiB, Passes, HashBytes);
        return $"$argon2id$v=19$m={MemoryKiB},t={Passes},p=1${B64(salt)}${B64(hash)}";
    }

    /// <summary>Checks a password against a stored hash; a null hash burns the same work and fails.</summary>
    public bool Verify(string password, string? storedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (storedHash is null)
        {
            Verify(password, _dummyHash.Value);
            return false;
        }
        if (!TryParse(storedHash, out var m, out var t, out var salt, out var expected))
            return false;
        var actual = Derive(password, salt, m, t, expected.Length);
        var equal = CryptographicOperations.FixedTimeEquals(actual, expected);
        CryptographicOperations.ZeroMemory(actual);
        return equal;
    }

    /// <summary>True when the stored hash was made with parameters weaker than every one of OWASP's equivalent settings.</summary>
    public static bool NeedsRehash(string storedHash) =>
        !TryParse(storedHash, out var m, out var t, out _, out _) || !OwaspMinimums.Any(min => m >= min.MemoryKiB && t >= min.Passes);

    private byte[] Derive(string password, byte[] salt, int memoryKiB, int passes, int length)
    {
        var passwordBytes = Argon2idDerivation.Pinned(Encoding.UTF8.GetByteCount(password));
        Encoding.UTF8.GetBytes(password, passwordBytes);
        try
        {
            if (!_vectorFill || length < 32)
            {
                var algorithm = memoryKiB == MemoryKiB && passes == Passes
                    ? Argon2
                    : PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKiB, NumberOfPasses = passes });
                return algorithm.DeriveBytes(passwordBytes, salt, length);
            }
            var tag = new byte[length];
            var memory = Memory.Rent(Argon2idDerivation.BlockCount(memoryKiB, lanes: 1) * Argon2idDerivation.BlockWords);
            try
            {
                Argon2idDerivation.Derive(passwordBytes, salt, secret: default, associatedData: default, memoryKiB, passes, lanes: 1, tag, memory);
            }
            finally
            {
                Memory.Return(memory);
            }
            return tag;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    private static bool TryParse(string phc, out int memoryKiB, out int passes, out byte[] salt, out byte[] hash)
    {
        memoryKiB = passes = 0;
        salt = hash = [];
        var parts = phc.Split('$');
        // ["", "argon2id", "v=19", "m=..,t=..,p=1", salt, hash]
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19")
            return false;
        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], out var value))
                return false;
            switch (pair[0])
            {
                case "m": memoryKiB = value; break;
                case "t": passes = value; break;
                case "p" when value == 1: break;
                default: return false;
            }
        }
        // Bounds keep a tampered hash from asking for gigabytes of memory.
        if (memoryKiB is < 7 * 1024 or > 256 * 1024 || passes is < 1 or > 10)
            return false;
        try
        {
            salt = FromB64(parts[4]);
            hash = FromB64(parts[5]);
        }
        catch (FormatException)
        {
            return false;
        }
        // libsodium, the fallback, takes exactly 16 bytes of salt; accepting others would make the answer depend on the CPU.
        return salt.Length == SaltBytes && hash.Length >= 16;
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromB64(string text) =>
        Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
}
