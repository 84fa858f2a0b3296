using System.Buffers.Binary;
using System.IO.Compression;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>
/// Small but whole images of chosen dimensions, one flat grey, written the way encoders write them (so a browser shows
/// them): a PNG with a zlib IDAT and CRCs, a GIF with an LZW stream, a baseline JPEG with its tables. padTo grows the file
/// with a comment (PNG tEXt, GIF comment extension) to reach a size without breaking it.
/// </summary>
public static class ImageSamples
{
    public static byte[] Png(int width, int height, int padTo = 0)
    {
        var raw = new byte[height * (1 + width)]; // filter 0 + one grey byte per pixel, per row
        Array.Fill(raw, (byte)0x80);
        for (var row = 0; row < height; row++)
            raw[row * (1 + width)] = 0;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            zlib.Write(raw);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = 8; // bit depth; colour type 0 (grey), compression, filter, interlace 0
        var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", compressed.ToArray());
        var padding = padTo - (int)file.Length - 12 - 12;
        if (padding > 0)
            Chunk(file, "tEXt", [.. "Comment\0"u8, .. Enumerable.Repeat((byte)'.', Math.Max(0, padding - 8))]);
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    public static byte[] Gif(int width, int height, int padTo = 0)
    {
        var file = new MemoryStream();
        file.Write("GIF89a"u8);
        Write16(file, width);
        Write16(file, height);
        file.Write([0x81, 0, 0]); // global colour table of 4 entries (2^(1+1)), background 0, no aspect ratio
        file.Write([0, 0, 0, 0x80, 0x80, 0x80, 0xFF, 0xFF, 0xFF, 0, 0, 0]);
        var image = new MemoryStream();
        image.WriteByte(0x2C);
        Write16(image, 0);
        Write16(image, 0);
        Write16(image, width);
        Write16(image, height);
        image.WriteByte(0); // no local colour table, not interlaced
        image.WriteByte(2); // LZW minimum code size
        var lzw = Lzw(width * height);
        for (var i = 0; i < lzw.Length; i += 255)
        {
            var size = Math.Min(255, lzw.Length - i);
            image.WriteByte((byte)size);
            image.Write(lzw, i, size);
        }
        image.WriteByte(0);
        // Comment extensions (0x21 0xFE, sub-blocks of up to 255 bytes) until the file reaches padTo.
        for (var room = padTo - file.Length - image.Length - 1; room > 4; room = padTo - file.Length - image.Length - 1)
        {
            var size = (int)Math.Min(255, room - 4);
            file.Write([0x21, 0xFE, (byte)size]);
            file.Write(Enumerable.Repeat((byte)'.', size).ToArray());
            file.WriteByte(0);
        }
        image.WriteTo(file);
        file.WriteByte(0x3B);
        return file.ToArray();
    }

    /// <summary>
    /// Baseline JPEG, one grey component of value 128: every 8x8 block is "DC difference 0, end of block", coded with
    /// one-symbol Huffman tables whose single code is the bit 0 (T.81 annex C), so the scan is two zero bits per block.
    /// </summary>
    public static byte[] Jpeg(int width, int height)
    {
        var file = new MemoryStream();
        file.Write([0xFF, 0xD8]);
        Segment(file, 0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        Segment(file, 0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);
        file.WriteByte(0xFF); // a fill byte before the next marker, as B.1.1.2 allows
        Segment(file, 0xC0, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        Segment(file, 0xC4, [0x00, 1, .. new byte[15], 0]); // DC table 0: one code of length 1 for category 0
        Segment(file, 0xC4, [0x10, 1, .. new byte[15], 0]); // AC table 0: one code of length 1 for EOB
        Segment(file, 0xDA, [1, 1, 0x00, 0, 63, 0]);
        var blocks = ((width + 7) / 8) * ((height + 7) / 8);
        var bits = blocks * 2;
        var scan = new byte[(bits + 7) / 8];
        if (bits % 8 != 0)
            scan[^1] = (byte)(0xFF >> (bits % 8)); // pad the last byte with 1-bits (F.1.2.3)
        file.Write(scan);
        file.Write([0xFF, 0xD9]);
        return file.ToArray();
    }

    /// <summary>Literal codes only, a clear code before every two, so the code width stays at 3 bits (GIF appendix F).</summary>
    private static byte[] Lzw(int pixels)
    {
        var output = new List<byte>();
        uint buffer = 0;
        var count = 0;
        void Emit(int code)
        {
            buffer |= (uint)code << count;
            count += 3;
            while (count >= 8)
            {
                output.Add((byte)buffer);
                buffer >>= 8;
                count -= 8;
            }
        }
        for (var i = 0; i < pixels; i++)
        {
            if (i % 2 == 0)
                Emit(4); // clear
            Emit(1); // grey
        }
        Emit(5); // end of information
        if (count > 0)
            output.Add((byte)buffer);
        return [.. output];
    }

    private static void Chunk(Stream file, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        file.Write(length);
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        file.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        file.Write(crc);
    }

    private static void Segment(Stream file, byte marker, byte[] data)
    {
        file.Write([0xFF, marker, (byte)((data.Length + 2) >> 8), (byte)(data.Length + 2)]);
        file.Write(data);
    }

    private static void Write16(Stream file, int value) => file.Write([(byte)value, (byte)(value >> 8)]);

    private static uint Crc32(ReadOnlySpan<byte> bytes)
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
