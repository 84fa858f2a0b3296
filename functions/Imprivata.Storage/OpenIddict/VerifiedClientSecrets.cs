using System.Security.Cryptography;
using System.Text;
using Imprivata.Storage.Caching;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// Client secrets this instance recently verified against a stored hash. OpenIddict's PBKDF2 check costs ~30 ms of CPU per
/// token request; repeating it for a secret already proven against the same stored hash adds nothing. Remembered is an
/// HMAC under a per-process random key of (stored hash, secret): never the secret, and useless outside this process. The
/// stored hash is part of it, so a rotated secret never matches an old entry. Failures are never remembered: every wrong
/// guess still pays the full PBKDF2 check. Our secrets are 256-bit random values, so a fast keyed hash of one is as hard
/// to invert as the PBKDF2 hash (which protects low-entropy secrets).
/// </summary>
public sealed class VerifiedClientSecrets(TimeProvider time)
{
    internal static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    internal const int Capacity = 1_000;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ShortLivedCache<string, bool> _verified = new(time, Lifetime, Capacity);

    public bool Contains(string secret, string storedHash) => _verified.TryGet(Fingerprint(secret, storedHash), out _);

    public void Add(string secret, string storedHash) => _verified.Set(Fingerprint(secret, storedHash), true, _verified.Generation);

    private string Fingerprint(string secret, string storedHash) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(storedHash + "\n" + secret)));
}
