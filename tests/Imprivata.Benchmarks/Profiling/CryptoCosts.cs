using System.Diagnostics;
using System.Security.Cryptography;
using Imprivata.Core.Passwords;
using OpenIddict.Abstractions;

namespace Imprivata.Benchmarks.Profiling;

/// <summary>Single-threaded costs of the CPU-heavy steps, measured in isolation (median of several runs).</summary>
public static class CryptoCosts
{
    /// <summary>One Argon2id verification with our production parameters (what every password login pays).</summary>
    public static double Argon2idVerifyMs()
    {
        var hasher = new PasswordHasher();
        var hash = hasher.Hash("correct horse battery staple");
        return Median(7, () => hasher.Verify("correct horse battery staple", hash));
    }

    /// <summary>
    /// The same verification on every core at once (as under login load): core-milliseconds per hash. Two 7 MiB blocks
    /// compete for caches and memory bandwidth, so this is what a login pays on a busy machine.
    /// </summary>
    public static double Argon2idVerifyMsAllCores()
    {
        var hasher = new PasswordHasher();
        var hash = hasher.Hash("correct horse battery staple");
        hasher.Verify("correct horse battery staple", hash);
        const int PerCore = 8;
        var cores = Environment.ProcessorCount;
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, _ =>
        {
            for (var i = 0; i < PerCore; i++)
                hasher.Verify("correct horse battery staple", hash);
        });
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds / PerCore;
    }

    /// <summary>One RS256 signature with a 2048-bit key (each signed JWT: codes, ID tokens, access tokens).</summary>
    public static double Rsa2048SignMs()
    {
        using var rsa = RSA.Create(2048);
        var data = RandomNumberGenerator.GetBytes(600);
        return Median(50, () => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>OpenIddict's client secret check (the stored value is a slow hash), what client_secret_basic costs per token request.</summary>
    public static async Task<double> ClientSecretCheckMsAsync(IOpenIddictApplicationManager applications, string clientId, string secret)
    {
        var application = await applications.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException("client not found");
        var times = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var started = Stopwatch.GetTimestamp();
            if (!await applications.ValidateClientSecretAsync(application, secret))
                throw new InvalidOperationException("client secret rejected");
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    private static double Median(int runs, Action action)
    {
        action(); // warm-up
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
