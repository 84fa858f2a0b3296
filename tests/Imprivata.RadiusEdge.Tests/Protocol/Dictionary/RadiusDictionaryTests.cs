using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Protocol.Dictionary;

namespace Imprivata.RadiusEdge.Tests.Protocol.Dictionary;

public class RadiusDictionaryTests
{
    private static readonly RadiusDictionary Dictionary = RadiusDictionary.Default;

    [Theory]
    [InlineData("User-Name", 0u, 1)]
    [InlineData("Message-Authenticator", 0u, 80)]
    [InlineData("EAP-Message", 0u, 79)]
    [InlineData("Acct-Session-Id", 0u, 44)]
    [InlineData("MS-CHAP2-Response", 311u, 25)]
    [InlineData("Cisco-AVPair", 9u, 1)]
    public void Find_KnownName_GivesVendorAndNumber(string name, uint vendor, int number)
    {
        var attribute = Dictionary.Find(name);

        Assert.NotNull(attribute);
        Assert.Equal(vendor, attribute.VendorId);
        Assert.Equal(number, attribute.Number);
    }

    [Fact]
    public void TryEncode_IntegerValueName_UsesTheValueNumber()
    {
        Assert.True(Dictionary.TryEncode("Service-Type", "Framed-User", out var attribute, out _));

        Assert.Equal(new byte[] { 0, 0, 0, 2 }, attribute.Value.ToArray());
    }

    [Fact]
    public void TryEncode_VendorAttribute_WrapsInVendorSpecific()
    {
        Assert.True(Dictionary.TryEncode("Cisco-AVPair", "shell:priv-lvl=15", out var attribute, out _));

        Assert.Equal(RadiusAttributeType.VendorSpecific, attribute.Type);
        Assert.Equal(new byte[] { 0, 0, 0, 9, 1, 19 }, attribute.Value[..6].ToArray());
        Assert.Equal("Cisco-AVPair = shell:priv-lvl=15", Dictionary.Format(attribute));
    }

    [Theory]
    [InlineData("No-Such-Attribute", "x")]
    [InlineData("User-Password", "secret")]
    [InlineData("Framed-IP-Address", "not-an-ip")]
    [InlineData("Session-Timeout", "-1")]
    public void TryEncode_InvalidInput_FailsWithAReason(string name, string value)
    {
        Assert.False(Dictionary.TryEncode(name, value, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Format_UserPassword_NeverShowsTheValue()
    {
        Assert.Equal("User-Password = <hidden>", Dictionary.Format(new RadiusAttribute(RadiusAttributeType.UserPassword, new byte[16])));
    }

    [Fact]
    public void Format_Rfc2865Section71Accept_NamesEveryAttribute()
    {
        var packet = PacketReader.Read(Hex.Parse("02000026 86fe220e7624ba2a1005f6bf9b55e0b2 060600000001 0f0600000000 0e06c0a80103")).Value;

        Assert.Equal(["Service-Type = Login-User", "Login-Service = Telnet", "Login-IP-Host = 192.168.1.3"],
            packet.Attributes.Select(Dictionary.Format));
    }
}
