using Imprivata.Functions.Admin;

namespace Imprivata.Functions.Tests.Admin;

public sealed class ImageHeaderTests
{
    [Fact]
    public void Read_Png_GivesTypeAndSize() => Assert.Equal(new ImageHeader("image/png", 200, 150), ImageHeader.Read(ImageSamples.Png(200, 150)));

    [Fact]
    public void Read_Gif_GivesTypeAndSize() => Assert.Equal(new ImageHeader("image/gif", 17, 9), ImageHeader.Read(ImageSamples.Gif(17, 9)));

    [Fact]
    public void Read_JpegWithApp0AndFillBytes_FindsFrameHeader() =>
        Assert.Equal(new ImageHeader("image/jpeg", 300, 120), ImageHeader.Read(ImageSamples.Jpeg(300, 120)));

    [Fact]
    public void Read_JpegWithoutFrameBeforeEnd_IsNull() =>
        Assert.Null(ImageHeader.Read([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0, 0, 0xFF, 0xD9]));

    [Fact]
    public void Read_JpegSegmentRunningPastEnd_IsNull() =>
        Assert.Null(ImageHeader.Read([0xFF, 0xD8, 0xFF, 0xE0, 0x7F, 0xFF, 0, 0]));

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47 })]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 1 })]
    [InlineData(new byte[] { (byte)'<', (byte)'s', (byte)'v', (byte)'g' })]
    [InlineData(new byte[0])]
    public void Read_TruncatedOrUnknown_IsNull(byte[] data) => Assert.Null(ImageHeader.Read(data));

    [Fact]
    public void Read_PngWithZeroWidth_IsNull() => Assert.Null(ImageHeader.Read(ImageSamples.Png(0, 10)));

    [Fact]
    public void CheckLogo_JpegTooWide_IsRejected() =>
        Assert.Equal("logo_dimensions_too_large", WebLoginRules.CheckLogo(ImageSamples.Jpeg(300, 120), out _));
}
