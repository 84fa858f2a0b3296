using System.Buffers.Binary;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Minimal image headers of chosen dimensions (enough for header parsing, not full images).</summary>
public static class ImageSamples
{
    public static byte[] Png(int width, int height, int padTo = 0)
    {
        var bytes = new byte[Math.Max(33, padTo)];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), (uint)height);
        return bytes;
    }

    public static byte[] Gif(int width, int height, int padTo = 0)
    {
        var bytes = new byte[Math.Max(13, padTo)];
        "GIF89a"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)height);
        return bytes;
    }

    /// <summary>SOI, an APP0 segment, a padding byte run of fill 0xFF, then SOF2 (progressive) with the dimensions.</summary>
    public static byte[] Jpeg(int width, int height)
    {
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10 };
        bytes.AddRange("JFIF\0"u8.ToArray());
        bytes.AddRange(new byte[9]);
        bytes.AddRange(new byte[] { 0xFF, 0xFF, 0xC2, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03 });
        bytes.AddRange(new byte[9]);
        bytes.AddRange(new byte[] { 0xFF, 0xD9 });
        return [.. bytes];
    }
}
