using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Imprivata.Demo.Lan;

/// <summary>
/// The demo's own TLS for a phone on the same network: a local certificate authority made once and kept (a phone that
/// trusts it keeps trusting it when the address changes), and a server certificate it signs for the machine's LAN address
/// and host names, made again when those change or it nears its end. Private keys are owner-only files in the folder.
/// </summary>
public sealed class LanCertificates(string folder, TimeProvider time)
{
    public const string AuthorityFile = "ca.crt";
    private const string AuthorityKeyFile = "ca.key";
    private const string ServerFile = "server.crt";
    private const string ServerKeyFile = "server.key";
    /// <summary>Within what Apple accepts for a TLS server certificate (398 days), also from a user-installed authority.</summary>
    private static readonly TimeSpan ServerLifetime = TimeSpan.FromDays(397);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);
    private static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(5 * 365);

    public string AuthorityPath => Path.Combine(folder, AuthorityFile);

    /// <summary>The authority and a server certificate (with its private key) valid now for every one of <paramref name="names"/>.</summary>
    public (X509Certificate2 Authority, X509Certificate2 Server) Ensure(IPAddress address, IReadOnlyList<string> names)
    {
        Directory.CreateDirectory(folder);
        var authority = Load(AuthorityFile, AuthorityKeyFile) is { } ca && ca.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime + ServerLifetime
            ? ca
            : CreateAuthority();
        var server = Load(ServerFile, ServerKeyFile);
        if (server is null || !Serves(server, authority, address, names))
            server = CreateServer(authority, address, names);
        // Loaded through PKCS#12 so the key is one TLS can use on every platform, not an ephemeral one.
        return (authority, X509CertificateLoader.LoadPkcs12(server.Export(X509ContentType.Pkcs12), null));
    }

    private bool Serves(X509Certificate2 server, X509Certificate2 authority, IPAddress address, IReadOnlyList<string> names)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (server.NotBefore.ToUniversalTime() > now || server.NotAfter.ToUniversalTime() < now + RenewBefore)
            return false;
        if (!server.MatchesHostname(address.ToString(), allowWildcards: false, allowCommonName: false)
            || names.Any(n => !server.MatchesHostname(n, allowWildcards: false, allowCommonName: false)))
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        return chain.Build(server);
    }

    private X509Certificate2 CreateAuthority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=Imprivata Serverless demo ({Dns.GetHostName()}), O=Imprivata Serverless demo", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        var authority = request.CreateSelfSigned(now.AddDays(-1), now + AuthorityLifetime);
        Save(authority, key, AuthorityFile, AuthorityKeyFile);
        return authority;
    }

    private X509Certificate2 CreateServer(X509Certificate2 authority, IPAddress address, IReadOnlyList<string> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={address}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(address);
        foreach (var name in names)
            san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var now = time.GetUtcNow();
        using var signer = authority.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The demo authority has no private key.");
        var notAfter = now + ServerLifetime < authority.NotAfter.ToUniversalTime() ? now + ServerLifetime : authority.NotAfter.ToUniversalTime();
        using var signed = request.Create(authority.SubjectName, X509SignatureGenerator.CreateForECDsa(signer), now.AddDays(-1), notAfter,
            RandomNumberGenerator.GetBytes(16));
        var server = signed.CopyWithPrivateKey(key);
        Save(server, key, ServerFile, ServerKeyFile);
        return server;
    }

    private void Save(X509Certificate2 certificate, ECDsa key, string certificateFile, string keyFile)
    {
        OwnerOnlyFile.Write(Path.Combine(folder, keyFile), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(folder, certificateFile), certificate.ExportCertificatePem());
    }

    private X509Certificate2? Load(string certificateFile, string keyFile)
    {
        string certificatePath = Path.Combine(folder, certificateFile), keyPath = Path.Combine(folder, keyFile);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
            return null;
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            using var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(keyPath));
            return certificate.CopyWithPrivateKey(key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null; // damaged or not ours: made again
        }
    }
}
