using Imprivata.Core.Radius;
using Imprivata.Functions.Radius;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>Group attributes are checked against the edge's dictionary before a profile may be saved.</summary>
public class RadiusClientRulesTests
{
    private static RadiusClientProfile With(params RadiusReplyAttribute[] attributes) =>
        new() { Name = "vpn", Secrets = ["a-shared-secret-of-24-ch"], GroupAttributes = [new RadiusGroupAttributes { Group = "*", Attributes = attributes }] };

    [Fact]
    public void Problems_DictionaryAttributesWithValidValues_None()
    {
        var problems = new RadiusClientRules().Problems(With(new("Filter-Id", "acl-1"), new("Class", "0x7374616666"), new("Session-Timeout", "3600"),
            new("Fortinet-Group-Name", "clinical"), new("Framed-IP-Address", "10.1.2.3")));

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("No-Such-Attribute", "x")]
    [InlineData("Session-Timeout", "an hour")]
    [InlineData("Class", "not hex")]
    [InlineData("Framed-IP-Address", "2001:db8::1")]
    [InlineData("Reply-Message", "hello")]
    [InlineData("State", "0x00")]
    [InlineData("Message-Authenticator", "0x00")]
    [InlineData("User-Password", "secret")]
    public void Problems_UnknownMalformedOrTheEdgesOwn_Refused(string name, string value)
    {
        Assert.Equal(["attribute_invalid:" + name], new RadiusClientRules().Problems(With(new RadiusReplyAttribute(name, value))));
    }

    [Fact]
    public void Problems_ProfileRulesToo()
    {
        Assert.Contains("push_timeout_invalid", new RadiusClientRules().Problems(new RadiusClientProfile { Name = "vpn", PushTimeout = TimeSpan.Zero }));
    }
}
