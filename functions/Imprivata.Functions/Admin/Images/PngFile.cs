using System.Buffers.Binary;
using System.IO.Compression;

namespace Imprivata.Functions.Admin.Images;

/// <summary>
/// PNG (ISO/IEC 15948, W3C PNG 3rd edition): the signature, then chunks of length, type, data and CRC-32 up to IEND.
/// Sound means: IHDR first with legal fields, every chunk's CRC right, PLTE where the colour type needs one, at least one
/// IDAT, IEND last; and, for images small enough to check cheaply, the IDAT stream inflates to exactly the bytes the
/// header's size and format call for.
/// </summary>
internal static class PngFile
{
    /// <summary>Larger images are refused for their size anyway; their pixel data is not inflated just to say so.</summary>
    private const long MaxInflatedBytes = 16 * 1024 * 1024;

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool HasSignature(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    public static ImageHeader? Read(ReadOnlySpan<byte> data)
    {
        var offset = Signature.Length;
        uint width = 0, height = 0;
        byte depth = 0, colour = 0, interlace = 0;
        bool sawHeader = false, sawPalette = false, sawEnd = false;
        using var idat = new MemoryStream();
        while (!sawEnd)
        {
            if (offset + 12 > data.Length)
                return null;
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            if (length > int.MaxValue || offset + 12 + (long)length > data.Length)
                return null;
            var type = data.Slice(offset + 4, 4);
            var body = data.Slice(offset + 8, (int)length);
            // PNG 5.3: the CRC covers the chunk type and data.
            if (Crc32.Of(data.Slice(offset + 4, 4 + (int)length)) != BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 8 + (int)length)..]))
                return null;
            if (!sawHeader)
            {
                // PNG 11.2.2: IHDR comes first, 13 bytes: width, height, bit depth, colour type, compression 0, filter 0, interlace 0 or 1.
                if (!type.SequenceEqual("IHDR"u8) || length != 13)
                    return null;
                (width, height, depth, colour, interlace) = (BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body[4..]), body[8], body[9], body[12]);
                if (width == 0 || height == 0 || BitsPerPixel(colour, depth) is null || body[10] != 0 || body[11] != 0 || interlace > 1)
                    return null;
                sawHeader = true;
            }
            else if (type.SequenceEqual("PLTE"u8))
                sawPalette = length is > 0 and <= 768 && length % 3 == 0;
            else if (type.SequenceEqual("IDAT"u8))
                idat.Write(body);
            else if (type.SequenceEqual("IEND"u8))
                sawEnd = length == 0;
            else if (type.SequenceEqual("IHDR"u8))
                return null;
            offset += 12 + (int)length;
        }
        if (!sawEnd || idat.Length == 0 || (colour == 3 && !sawPalette) || offset != data.Length)
            return null;
        var expected = RawSize(width, height, BitsPerPixel(colour, depth)!.Value, interlace == 1);
        if (expected <= MaxInflatedBytes && !InflatesTo(idat, expected))
            return null;
        return ImageHeader.Sized("image/png", width, height);
    }

    /// <summary>PNG 11.2.2 table 11.1: the legal bit depths of each colour type, as bits per pixel.</summary>
    private static int? BitsPerPixel(byte colour, byte depth) => colour switch
    {
        0 when depth is 1 or 2 or 4 or 8 or 16 => depth,
        2 when depth is 8 or 16 => depth * 3,
        3 when depth is 1 or 2 or 4 or 8 => depth,
        4 when depth is 8 or 16 => depth * 2,
        6 when depth is 8 or 16 => depth * 4,
        _ => null,
    };

    /// <summary>Filtered scanlines: one filter byte per row; Adam7 (PNG 8.2) makes seven smaller images of the same form.</summary>
    private static long RawSize(long width, long height, int bitsPerPixel, bool interlaced)
    {
        long Rows(long w, long h) => w == 0 || h == 0 ? 0 : h * (1 + (w * bitsPerPixel + 7) / 8);
        if (!interlaced)
            return Rows(width, height);
        (int X, int Y, int Dx, int Dy)[] passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        return passes.Sum(p => Rows((width - p.X + p.Dx - 1) / p.Dx, (height - p.Y + p.Dy - 1) / p.Dy));
    }

    /// <summary>Whether the zlib stream inflates to exactly <paramref name="expected"/> bytes (read in chunks, never held).</summary>
    private static bool InflatesTo(MemoryStream compressed, long expected)
    {
        compressed.Position = 0;
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                total += read;
                if (total > expected)
                    return false;
            }
            return total == expected;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}

/// <summary>CRC-32 as PNG uses it (ISO 3309 polynomial, reflected; PNG annex D).</summary>
internal static class Crc32
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    public static uint Of(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
