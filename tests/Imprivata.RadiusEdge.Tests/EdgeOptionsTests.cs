using Imprivata.RadiusEdge.Ldap;

namespace Imprivata.RadiusEdge.Tests;

public sealed class EdgeOptionsTests
{
    private static EdgeOptions WithLdap(LdapProfileOptions profile)
    {
        var options = new EdgeOptions { ClientsFile = "clients.json" };
        options.Bridge.BackendPublicKeyPem = "-----BEGIN PUBLIC KEY-----";
        options.Ldap["corp"] = profile;
        return options;
    }

    private static LdapProfileOptions Profile(string url, bool startTls = false) =>
        new() { Url = url, StartTls = startTls, UserSearchBase = "ou=people,dc=example,dc=test" };

    [Theory]
    [InlineData("ldap://dc.corp.example")]
    [InlineData("ldap://10.1.2.3:389")]
    public void Validate_PlainLdapToAnotherHost_IsRefused(string url)
    {
        var error = Assert.Throws<InvalidOperationException>(() => EdgeOptionsCheck.Validate(WithLdap(Profile(url))));

        Assert.Contains("clear", error.Message);
    }

    [Theory]
    [InlineData("ldap://dc.corp.example", true)]
    [InlineData("ldaps://dc.corp.example", false)]
    [InlineData("ldap://127.0.0.1:3389", false)]
    public void Validate_TlsOrLoopback_IsAccepted(string url, bool startTls)
    {
        EdgeOptionsCheck.Validate(WithLdap(Profile(url, startTls)));
    }

    [Fact]
    public void Validate_UserFilterWithoutPlaceholder_IsRefused()
    {
        var profile = Profile("ldaps://dc.corp.example");
        profile.UserFilter = "(uid=nemo)";

        var error = Assert.Throws<InvalidOperationException>(() => EdgeOptionsCheck.Validate(WithLdap(profile)));

        Assert.Contains("{0}", error.Message);
    }
}
