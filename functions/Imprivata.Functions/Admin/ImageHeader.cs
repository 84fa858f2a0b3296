using System.Buffers.Binary;

namespace Imprivata.Functions.Admin;

/// <summary>Type and pixel size of a PNG, GIF or JPEG, read from the header bytes alone (no decoder touches untrusted data).</summary>
public sealed record ImageHeader(string ContentType, int Width, int Height)
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static ImageHeader? Read(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(PngSignature))
            return ReadPng(data);
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
            return ReadGif(data);
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
            return ReadJpeg(data);
        return null;
    }

    /// <summary>PNG spec 5.2/11.2.2: the first chunk is IHDR, 13 bytes, width and height big-endian, non-zero.</summary>
    private static ImageHeader? ReadPng(ReadOnlySpan<byte> data)
    {
        if (data.Length < 24 || BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != 13 || !data[12..16].SequenceEqual("IHDR"u8))
            return null;
        var width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
        return Sized("image/png", width, height);
    }

    /// <summary>GIF89a: the logical screen descriptor follows the signature, width and height little-endian.</summary>
    private static ImageHeader? ReadGif(ReadOnlySpan<byte> data) =>
        data.Length < 10 ? null : Sized("image/gif", BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), BinaryPrimitives.ReadUInt16LittleEndian(data[8..]));

    /// <summary>JPEG (ITU T.81 B.2): walk marker segments to the first SOFn frame header; no frame before SOS -> not an image.</summary>
    private static ImageHeader? ReadJpeg(ReadOnlySpan<byte> data)
    {
        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF)
                return null;
            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2; // standalone markers have no length
                continue;
            }
            if (marker is 0xD9 or 0xDA)
                return null;
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            if (length < 2 || i + 2 + length > data.Length)
                return null;
            var isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                if (length < 7)
                    return null;
                var height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                return Sized("image/jpeg", width, height);
            }
            i += 2 + length;
        }
        return null;
    }

    private static ImageHeader? Sized(string type, uint width, uint height) =>
        width is 0 or > int.MaxValue || height is 0 or > int.MaxValue ? null : new ImageHeader(type, (int)width, (int)height);
}
