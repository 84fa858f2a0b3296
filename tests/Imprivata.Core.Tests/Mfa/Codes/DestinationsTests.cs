using Imprivata.Core.Mfa.Codes;

namespace Imprivata.Core.Tests.Mfa.Codes;

public class DestinationsTests
{
    [Theory]
    [InlineData("+15550100001", "+15550100001")]
    [InlineData(" +1 (555) 010-0001 ", "+15550100001")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("+123456789012345", "+123456789012345")]
    public void Phone_E164_Normalized(string input, string expected)
    {
        Assert.True(Destinations.TryNormalize(CodeChannel.Sms, input, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("15550100001")]
    [InlineData("+05550100001")]
    [InlineData("+1234567890123456")]
    [InlineData("+12345")]
    [InlineData("+1555abc0001")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("+1555\n0100001")]
    public void Phone_NotE164_Rejected(string? input)
    {
        Assert.False(Destinations.TryNormalize(CodeChannel.Sms, input, out _));
    }

    [Theory]
    [InlineData("Ann@Example.ORG", "Ann@example.org")]
    [InlineData(" bob@example.org ", "bob@example.org")]
    public void Email_Valid_DomainLowercased(string input, string expected)
    {
        Assert.True(Destinations.TryNormalize(CodeChannel.Email, input, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("Ann <ann@example.org>")]
    [InlineData("ann@example.org, eve@example.org")]
    [InlineData("ann@localhost")]
    [InlineData("not an address")]
    [InlineData("ann@example.org\r\nBcc: eve@example.org")]
    public void Email_NotOnePlainAddress_Rejected(string input)
    {
        Assert.False(Destinations.TryNormalize(CodeChannel.Email, input, out _));
    }

    [Fact]
    public void Mask_ShowsOnlyEnoughToRecognize()
    {
        Assert.Equal("+*********01", Destinations.Mask(CodeChannel.Sms, "+15550100001"));
        Assert.Equal("a***@example.org", Destinations.Mask(CodeChannel.Email, "ann@example.org"));
    }

    [Fact]
    public void Amr_SmsRegistered_EmailDistinct()
    {
        Assert.Equal("sms", CodeChannel.Sms.Amr());
        Assert.Equal("email", CodeChannel.Email.Amr());
    }
}
