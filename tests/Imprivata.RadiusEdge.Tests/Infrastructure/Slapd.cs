using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imprivata.RadiusEdge.Ldap;

namespace Imprivata.RadiusEdge.Tests.Infrastructure;

/// <summary>
/// A real OpenLDAP <c>slapd</c> (Debian packages slapd and ldap-utils) on a loopback port, in the foreground, with a
/// temporary configuration and database, seeded with ldapadd. OpenLDAP has no LDAP_MATCHING_RULE_IN_CHAIN; its memberof
/// overlay keeps <c>memberOf</c> on users and on groups nested in groups, which is what the edge's walk reads. It listens
/// for ldap:// (StartTLS offered) and ldaps:// with a server certificate for 127.0.0.1 from a test CA in <see cref="CaDirectory"/>.
/// <para>People: nemo (password <see cref="NemoPassword"/>) in "vpn users", which is itself in "clinicians", which is in
/// "staff"; zoe (<see cref="ZoePassword"/>) in no group; the service account <see cref="ServiceDn"/> reads everything
/// but passwords.</para>
/// </summary>
public sealed class Slapd : IAsyncLifetime
{
    public const string SlapdPath = "/usr/sbin/slapd";
    public const string Suffix = "dc=example,dc=test";
    public const string People = "ou=people," + Suffix;
    public const string ServiceDn = "cn=svc," + Suffix;
    public const string ServicePassword = "svc-secret-1";
    public const string NemoPassword = "arctangent-1";
    public const string ZoePassword = "zebra-crossing-2";
    public const string VpnUsers = "cn=vpn users,ou=groups," + Suffix;
    public const string Clinicians = "cn=clinicians,ou=groups," + Suffix;
    public const string Staff = "cn=staff,ou=groups," + Suffix;

    private const string RootDn = "cn=admin," + Suffix;
    private const string RootPassword = "root-secret-1";
    private readonly string _dir = Directory.CreateTempSubdirectory("slapd-").FullName;
    private Process? _process;

    public int Port { get; private set; }
    public int LdapsPort { get; private set; }
    public string Url => $"ldap://127.0.0.1:{Port}";
    public string LdapsUrl => $"ldaps://127.0.0.1:{LdapsPort}";
    /// <summary>The directory holding only the test CA's certificate (PEM): what a profile trusts for this slapd's TLS.</summary>
    public string CaDirectory => Path.Combine(_dir, "ca");

    /// <summary>A profile for this directory (OpenLDAP names: inetOrgPerson and uid instead of AD's user and sAMAccountName).</summary>
    public LdapProfileOptions Profile(Action<LdapProfileOptions>? change = null)
    {
        var profile = new LdapProfileOptions
        {
            Url = Url,
            BindDn = ServiceDn,
            BindPassword = ServicePassword,
            UserSearchBase = People,
            UserFilter = "(&(objectClass=inetOrgPerson)(uid={0}))",
            NestedGroups = NestedGroupLookup.Walk,
            Timeout = TimeSpan.FromSeconds(5),
        };
        change?.Invoke(profile);
        return profile;
    }

    public async Task InitializeAsync()
    {
        Port = Ports.FreeTcp();
        LdapsPort = Ports.FreeTcp();
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        WriteCertificates();
        var config = Path.Combine(_dir, "slapd.conf");
        await File.WriteAllTextAsync(config, Config());
        _process = Process.Start(new ProcessStartInfo(SlapdPath)
        {
            // -d: stay in the foreground (the test owns the process); only the loopback listener.
            ArgumentList = { "-d", "0", "-f", config, "-h", $"ldap://127.0.0.1:{Port}/ ldaps://127.0.0.1:{LdapsPort}/" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("slapd did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilListeningAsync();
        await LdapAddAsync(Seed());
    }

    /// <summary>A CA and a server certificate it signs for 127.0.0.1, as PEM files slapd (GnuTLS) and libldap read.</summary>
    private void WriteCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Slapd Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = request.Create(ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(12));

        Directory.CreateDirectory(CaDirectory);
        File.WriteAllText(Path.Combine(CaDirectory, "ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "server.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
    }

    private async Task WaitUntilListeningAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process!.HasExited)
                throw new InvalidOperationException($"slapd exited with {_process.ExitCode}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task LdapAddAsync(string ldif)
    {
        using var add = Process.Start(new ProcessStartInfo("ldapadd")
        {
            ArgumentList = { "-x", "-H", Url, "-D", RootDn, "-w", RootPassword },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("ldapadd did not start");
        await add.StandardInput.WriteAsync(ldif);
        add.StandardInput.Close();
        var output = add.StandardOutput.ReadToEndAsync();
        var errors = await add.StandardError.ReadToEndAsync();
        await add.WaitForExitAsync();
        if (add.ExitCode != 0)
            throw new InvalidOperationException($"ldapadd failed ({add.ExitCode}): {errors} {await output}");
    }

    private string Config() => $"""
        include /etc/ldap/schema/core.schema
        include /etc/ldap/schema/cosine.schema
        include /etc/ldap/schema/inetorgperson.schema
        modulepath /usr/lib/ldap
        moduleload back_mdb
        moduleload memberof
        pidfile {_dir}/slapd.pid
        TLSCertificateFile {_dir}/server.pem
        TLSCertificateKeyFile {_dir}/server.key
        database mdb
        suffix "{Suffix}"
        rootdn "{RootDn}"
        rootpw {RootPassword}
        directory {_dir}/data
        maxsize 10485760
        overlay memberof
        access to attrs=userPassword by anonymous auth by * none
        access to * by users read by * none

        """;

    // Members are added before the groups that name them: the overlay writes memberOf on entries that exist.
    private static string Seed() => $"""
        dn: {Suffix}
        objectClass: dcObject
        objectClass: organization
        o: Example
        dc: example

        dn: {People}
        objectClass: organizationalUnit
        ou: people

        dn: ou=groups,{Suffix}
        objectClass: organizationalUnit
        ou: groups

        dn: {ServiceDn}
        objectClass: person
        cn: svc
        sn: svc
        userPassword: {ServicePassword}

        dn: uid=nemo,{People}
        objectClass: inetOrgPerson
        uid: nemo
        cn: Nemo
        sn: Nemo
        userPassword: {NemoPassword}

        dn: uid=zoe,{People}
        objectClass: inetOrgPerson
        uid: zoe
        cn: Zoe
        sn: Zoe
        userPassword: {ZoePassword}

        dn: {VpnUsers}
        objectClass: groupOfNames
        cn: vpn users
        member: uid=nemo,{People}

        dn: {Clinicians}
        objectClass: groupOfNames
        cn: clinicians
        member: {VpnUsers}

        dn: {Staff}
        objectClass: groupOfNames
        cn: staff
        member: {Clinicians}

        """;

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
