using System.Net;
using System.Security.Cryptography.X509Certificates;
using Imprivata.Demo.Lan;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Demo.Tests.Lan;

public sealed class LanCertificatesTests : IDisposable
{
    private static readonly IPAddress Address = IPAddress.Parse("192.0.2.10");
    private static readonly string[] Names = ["clinic-laptop", "clinic-laptop.local"];
    private readonly string _folder = Directory.CreateTempSubdirectory("imp-lan-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (X509Certificate2 Authority, X509Certificate2 Server) Ensure(IPAddress? address = null) =>
        new LanCertificates(_folder, _time).Ensure(address ?? Address, Names);

    private static bool ChainsTo(X509Certificate2 server, X509Certificate2 authority, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        return chain.Build(server);
    }

    [Fact]
    public void Ensure_ServerCertificate_NamesTheAddressAndHostNames_ForServerAuth_SignedByTheAuthority()
    {
        var (authority, server) = Ensure();

        Assert.True(server.HasPrivateKey);
        Assert.True(server.MatchesHostname("192.0.2.10"));
        Assert.True(server.MatchesHostname("clinic-laptop.local"));
        Assert.False(server.MatchesHostname("192.0.2.11"));
        Assert.True(ChainsTo(server, authority, _time.GetUtcNow()));
        Assert.True(authority.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.False(server.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        // Apple refuses TLS server certificates valid for more than 398 days, even from an authority the user installed.
        Assert.True(server.NotAfter - server.NotBefore <= TimeSpan.FromDays(398));
        Assert.Equal(authority.RawData, X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_folder, LanCertificates.AuthorityFile)).RawData);
    }

    [Fact]
    public void Ensure_Again_ReusesBoth_SoATrustingPhoneAndAnAcceptedWarningStayValid()
    {
        var (authority, server) = Ensure();

        var (again, sameServer) = Ensure();

        Assert.Equal(authority.Thumbprint, again.Thumbprint);
        Assert.Equal(server.Thumbprint, sameServer.Thumbprint);
    }

    [Fact]
    public void Ensure_NewAddress_NewServerCertificate_SameAuthority()
    {
        var (authority, server) = Ensure();

        var (again, moved) = Ensure(IPAddress.Parse("192.0.2.77"));

        Assert.Equal(authority.Thumbprint, again.Thumbprint);
        Assert.NotEqual(server.Thumbprint, moved.Thumbprint);
        Assert.True(moved.MatchesHostname("192.0.2.77"));
        Assert.True(ChainsTo(moved, again, _time.GetUtcNow()));
    }

    [Fact]
    public void Ensure_ServerCertificateNearItsEnd_Renewed()
    {
        var (_, server) = Ensure();

        _time.Advance(TimeSpan.FromDays(380));
        var (_, renewed) = Ensure();

        Assert.NotEqual(server.Thumbprint, renewed.Thumbprint);
        Assert.True(renewed.NotAfter.ToUniversalTime() > _time.GetUtcNow().UtcDateTime.AddDays(300));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Ensure_PrivateKeys_ReadableByTheOwnerOnly()
    {
        Ensure();

        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(Path.Combine(_folder, "ca.key")));
        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(Path.Combine(_folder, "server.key")));
    }

    [Fact]
    public void Ensure_DamagedKeyFile_MadeAgain()
    {
        var (authority, _) = Ensure();
        File.WriteAllText(Path.Combine(_folder, "ca.key"), "not a key");

        var (again, server) = Ensure();

        Assert.NotEqual(authority.Thumbprint, again.Thumbprint);
        Assert.True(ChainsTo(server, again, _time.GetUtcNow()));
    }
}
