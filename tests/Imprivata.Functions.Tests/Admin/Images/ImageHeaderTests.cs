using System.Buffers.Binary;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Admin.Images;

namespace Imprivata.Functions.Tests.Admin.Images;

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
    public void Read_PaddedImages_StillWhole()
    {
        Assert.NotNull(ImageHeader.Read(ImageSamples.Png(20, 10, padTo: 5_000)));
        Assert.NotNull(ImageHeader.Read(ImageSamples.Gif(20, 10, padTo: 5_000)));
    }

    [Fact]
    public void Read_GifHeaderFollowedByAnythingElse_IsNotAnImage()
    {
        // The magic bytes and a screen size, then text: the upload that used to earn a dimensions error.
        byte[] fake = [.. "GIF89a"u8, 0x2C, 0x01, 0x2C, 0x01, 0, 0, 0, .. "<html><script>alert(1)</script></html>"u8];

        Assert.Null(ImageHeader.Read(fake));
        Assert.Equal("logo_type_invalid", WebLoginRules.CheckLogo(fake, out _));
    }

    [Fact]
    public void Read_GifWithoutTrailer_IsNull()
    {
        var gif = ImageSamples.Gif(4, 4);
        Assert.Null(ImageHeader.Read(gif.AsSpan(0, gif.Length - 1)));
    }

    [Fact]
    public void Read_GifWhoseLzwStreamIsNoise_IsNull()
    {
        var gif = ImageSamples.Gif(8, 8);
        // The first data sub-block starts after header (13), colour table (12), descriptor (10), code size (1) and its length byte.
        for (var i = 37; i < 37 + gif[36]; i++)
            gif[i] = 0xFF; // code 7 right after a clear: a table entry that does not exist yet
        Assert.Null(ImageHeader.Read(gif));
    }

    [Fact]
    public void Read_GifImageOutsideTheScreen_IsNull()
    {
        var gif = ImageSamples.Gif(8, 8);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), 4); // the screen shrinks under the 8x8 image
        Assert.Null(ImageHeader.Read(gif));
    }

    [Fact]
    public void Read_PngHeaderOnly_IsNull()
    {
        var headerOnly = ImageSamples.Png(10, 10)[..33]; // signature and IHDR, nothing after
        Assert.Null(ImageHeader.Read(headerOnly));
    }

    [Fact]
    public void Read_PngWithABadCrc_IsNull()
    {
        var png = ImageSamples.Png(10, 10);
        png[29] ^= 0x01; // IHDR's CRC
        Assert.Null(ImageHeader.Read(png));
    }

    [Fact]
    public void Read_PngWhosePixelDataIsShort_IsNull()
    {
        // Dimensions rewritten to more rows than the IDAT holds (CRC recomputed, so only the inflated size can tell).
        var png = ImageSamples.Png(10, 10);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 11);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc(png.AsSpan(12, 17)));
        Assert.Null(ImageHeader.Read(png));
    }

    [Fact]
    public void Read_JpegWithoutFrameBeforeEnd_IsNull() =>
        Assert.Null(ImageHeader.Read([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0, 0, 0xFF, 0xD9]));

    [Fact]
    public void Read_JpegSegmentRunningPastEnd_IsNull() =>
        Assert.Null(ImageHeader.Read([0xFF, 0xD8, 0xFF, 0xE0, 0x7F, 0xFF, 0, 0]));

    [Fact]
    public void Read_JpegFrameHeaderWithoutAnyScan_IsNull()
    {
        // Header-only: quantisation table and frame, then the end marker, and no image data at all.
        byte[] frameOnly = [0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0, .. new byte[64], 0xFF, 0xC0, 0x00, 0x0B, 8, 0, 10, 0, 10, 1, 1, 0x11, 0, 0xFF, 0xD9];
        Assert.Null(ImageHeader.Read(frameOnly));
    }

    [Fact]
    public void Read_JpegCutInItsScan_IsNull()
    {
        var jpeg = ImageSamples.Jpeg(64, 64);
        Assert.Null(ImageHeader.Read(jpeg.AsSpan(0, jpeg.Length - 2)));
    }

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

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            c ^= b;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return c ^ 0xFFFFFFFFu;
    }
}
