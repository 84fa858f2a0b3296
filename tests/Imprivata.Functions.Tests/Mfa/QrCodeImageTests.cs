using Imprivata.Functions.Mfa;

namespace Imprivata.Functions.Tests.Mfa;

public sealed class QrCodeImageTests
{
    [Fact]
    public void PngDataUri_AnOtpauthUri_IsAPngDataUri()
    {
        var uri = QrCodeImage.PngDataUri("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example");
        Assert.StartsWith("data:image/png;base64,", uri);
        var png = Convert.FromBase64String(uri["data:image/png;base64,".Length..]);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
    }

    [Fact]
    public void PngDataUri_LongerText_GivesALargerCode()
    {
        var small = QrCodeImage.PngDataUri("a");
        var large = QrCodeImage.PngDataUri(new string('a', 300));
        Assert.True(large.Length > small.Length);
    }
}
