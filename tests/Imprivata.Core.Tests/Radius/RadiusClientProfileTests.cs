using Imprivata.Core.Radius;

namespace Imprivata.Core.Tests.Radius;

public class RadiusClientProfileTests
{
    [Theory]
    [InlineData("10.0.0.5", true)]
    [InlineData("10.0.0.200", true)]
    [InlineData("::ffff:10.0.0.7", true)]
    [InlineData("192.0.2.1", true)]
    [InlineData("192.0.2.2", false)]
    [InlineData("10.0.1.5", false)]
    [InlineData("2001:db8::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("not an address", false)]
    [InlineData(null, false)]
    public void AllowsNasAddress_NetworksAndSingleAddresses(string? address, bool allowed)
    {
        var profile = new RadiusClientProfile { Name = "vpn", NasAddresses = ["10.0.0.0/24", "192.0.2.1", "2001:db8::/32"] };

        Assert.Equal(allowed, profile.AllowsNasAddress(address));
    }

    [Fact]
    public void AllowsNasAddress_NoneListed_AnyAddressTheEdgeMatched()
    {
        Assert.True(new RadiusClientProfile { Name = "vpn" }.AllowsNasAddress("198.51.100.1"));
    }

    private const string Secret = "a-shared-secret-of-24-ch";

    [Fact]
    public void Problems_DefaultsWithASecretAreValid()
    {
        var profile = new RadiusClientProfile { Name = "vpn-1", Secrets = [Secret] };

        Assert.Empty(profile.Problems());
        Assert.True(profile.RequireMessageAuthenticator);
        Assert.True(profile.LimitProxyState);
        Assert.Empty((profile with { Secrets = [RadiusSharedSecret.Generate(), Secret] }).Problems());
    }

    [Theory]
    [InlineData("")]
    [InlineData("too-short-secret-21ch")]
    [InlineData("a-shared-secret-of-24-ch|a-shared-secret-of-24-ch")]
    [InlineData("a-shared-secret-of-24-ch|another-one-of-24-chars!|a-third-one-of-24-chars!")]
    [InlineData("has a space in it, 24 ch")]
    [InlineData("tab\tcontrol-character-24")]
    [InlineData("non-ascii-secret-of-24-é")]
    public void Problems_SecretsOneOrTwoDistinctPrintable(string secrets)
    {
        var list = secrets.Split('|', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["secrets_invalid"], new RadiusClientProfile { Name = "vpn", Secrets = list }.Problems());
    }

    [Fact]
    public void Problems_SecretLengthBounds()
    {
        Assert.Empty(new RadiusClientProfile { Name = "vpn", Secrets = [new string('x', 22)] }.Problems());
        Assert.Empty(new RadiusClientProfile { Name = "vpn", Secrets = [new string('x', 64)] }.Problems());
        Assert.Contains("secrets_invalid", new RadiusClientProfile { Name = "vpn", Secrets = [new string('x', 21)] }.Problems());
        Assert.Contains("secrets_invalid", new RadiusClientProfile { Name = "vpn", Secrets = [new string('x', 65)] }.Problems());
    }

    [Fact]
    public void Generate_32RandomLettersAndDigits()
    {
        var a = RadiusSharedSecret.Generate();

        Assert.Equal(32, a.Length);
        Assert.True(a.All(char.IsAsciiLetterOrDigit));
        Assert.NotEqual(a, RadiusSharedSecret.Generate());
    }

    [Fact]
    public void Problems_LdapFirstFactorNamesItsProfile()
    {
        var ldap = new RadiusClientProfile { Name = "vpn", Secrets = [Secret], FirstFactor = FirstFactorMode.Ldap };

        Assert.Equal(["ldap_profile_required"], ldap.Problems());
        Assert.Empty((ldap with { LdapProfile = "corp_dc-1" }).Problems());
        Assert.Equal(["ldap_profile_invalid"], (ldap with { LdapProfile = "corp:dc" }).Problems());
        Assert.Empty((ldap with { FirstFactor = FirstFactorMode.Directory }).Problems());
    }

    [Theory]
    [InlineData("", "name_invalid")]
    [InlineData(" padded", "name_invalid")]
    [InlineData("line\nbreak", "name_invalid")]
    public void Problems_BadName(string name, string problem)
    {
        Assert.Contains(problem, new RadiusClientProfile { Name = name, Secrets = [Secret] }.Problems());
    }

    [Fact]
    public void Problems_EachRuleBroken_ItsOwnCode()
    {
        var profile = new RadiusClientProfile
        {
            Name = "vpn",
            Secrets = [Secret],
            NasAddresses = ["10.0.0.0/33"],
            FirstFactor = (FirstFactorMode)7,
            PushTimeout = TimeSpan.FromSeconds(2),
            GroupAttributes = [new RadiusGroupAttributes { Group = " ", Attributes = [] }],
        };

        Assert.Equal(["nas_address_invalid", "first_factor_invalid", "push_timeout_invalid", "group_attributes_invalid"], profile.Problems());
        Assert.Contains("push_timeout_invalid", (profile with { PushTimeout = TimeSpan.FromSeconds(61) }).Problems());
        Assert.DoesNotContain("push_timeout_invalid", (profile with { PushTimeout = TimeSpan.FromSeconds(60) }).Problems());
    }

    [Theory]
    [InlineData("directory", FirstFactorMode.Directory)]
    [InlineData("LDAP", FirstFactorMode.Ldap)]
    [InlineData("none", FirstFactorMode.None)]
    public void FirstFactorModes_ContractNames(string name, FirstFactorMode mode)
    {
        Assert.True(FirstFactorModes.TryParse(name, out var parsed));
        Assert.Equal(mode, parsed);
        Assert.Equal(name.ToLowerInvariant(), mode.Name());
        Assert.False(FirstFactorModes.TryParse("kerberos", out _));
    }
}
