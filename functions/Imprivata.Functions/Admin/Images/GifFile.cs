using System.Buffers.Binary;

namespace Imprivata.Functions.Admin.Images;

/// <summary>
/// GIF (87a/89a specification): header, logical screen descriptor and its colour table, then extension and image blocks up
/// to the trailer. Sound means: a non-empty screen, every block and sub-block inside the file, at least one image, each
/// image inside the screen with an LZW stream that decodes (no code the table does not hold) to at least its pixels, and
/// the trailer as the file's last byte.
/// </summary>
internal static class GifFile
{
    private const byte Extension = 0x21, ImageSeparator = 0x2C, Trailer = 0x3B;

    /// <summary>Larger images are refused for their size anyway; their LZW stream is not decoded just to say so.</summary>
    private const long MaxDecodedPixels = 16 * 1024 * 1024;

    public static bool HasSignature(ReadOnlySpan<byte> data) => data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8);

    public static ImageHeader? Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13)
            return null;
        int width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]), height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        var offset = 13 + ColourTableSize(data[10]);
        var images = 0;
        while (true)
        {
            if (offset >= data.Length)
                return null;
            var block = data[offset++];
            if (block == Trailer)
                return images > 0 && offset == data.Length ? ImageHeader.Sized("image/gif", width, height) : null;
            if (block == Extension)
            {
                // Label, then data sub-blocks up to an empty one.
                if (offset >= data.Length || SkipSubBlocks(data, offset + 1) is not { } next)
                    return null;
                offset = next;
            }
            else if (block == ImageSeparator)
            {
                if (ReadImage(data, offset, width, height) is not { } next)
                    return null;
                offset = next;
                images++;
            }
            else
                return null;
        }
    }

    /// <summary>Image descriptor (position, size, flags), local colour table, LZW minimum code size, data sub-blocks.</summary>
    private static int? ReadImage(ReadOnlySpan<byte> data, int offset, int screenWidth, int screenHeight)
    {
        if (offset + 9 > data.Length)
            return null;
        int left = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]), top = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]);
        int width = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 4)..]), height = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 6)..]);
        if (width == 0 || height == 0 || left + width > screenWidth || top + height > screenHeight)
            return null;
        offset += 9 + ColourTableSize(data[offset + 8]);
        if (offset >= data.Length || data[offset] is < 2 or > 8)
            return null;
        var minimumCodeSize = data[offset];
        if (SkipSubBlocks(data, offset + 1) is not { } end)
            return null;
        if ((long)width * height <= MaxDecodedPixels && DecodedPixels(data[(offset + 1)..end], minimumCodeSize) < (long)width * height)
            return null;
        return end;
    }

    /// <summary>Bit 7 of the flags says a colour table follows; bits 0-2 give its size, 3 * 2^(n+1) bytes.</summary>
    private static int ColourTableSize(byte flags) => (flags & 0x80) == 0 ? 0 : 3 << ((flags & 0x07) + 1);

    /// <summary>The offset after a run of sub-blocks (a length byte, that many bytes) ended by an empty one; null past the end.</summary>
    private static int? SkipSubBlocks(ReadOnlySpan<byte> data, int offset)
    {
        while (true)
        {
            if (offset >= data.Length)
                return null;
            var size = data[offset++];
            if (size == 0)
                return offset;
            offset += size;
        }
    }

    /// <summary>
    /// Counts the pixels the LZW stream (GIF appendix F: variable-length codes, LSB first, clear and end codes, the code
    /// width growing as the table fills, at most 12 bits) decodes to, without producing them; -1 when a code is invalid.
    /// </summary>
    private static long DecodedPixels(ReadOnlySpan<byte> subBlocks, int minimumCodeSize)
    {
        int clear = 1 << minimumCodeSize, end = clear + 1;
        var lengths = new int[4096];
        int width = minimumCodeSize + 1, next = clear + 2, previous = -1;
        long pixels = 0;
        var reader = new SubBlockBits(subBlocks);
        while (reader.TryRead(width, out var code))
        {
            if (code == clear)
            {
                (width, next, previous) = (minimumCodeSize + 1, clear + 2, -1);
                continue;
            }
            if (code == end)
                return pixels;
            int length;
            if (code < clear)
                length = 1;
            else if (previous >= 0 && code > end && code < next)
                length = lengths[code];
            else if (previous >= 0 && code == next && next < 4096)
                length = Length(lengths, previous, clear) + 1; // the entry being defined by this very code
            else
                return -1;
            if (previous >= 0 && next < 4096)
            {
                lengths[next++] = Length(lengths, previous, clear) + 1;
                if (next == 1 << width && width < 12)
                    width++;
            }
            pixels += length;
            previous = code;
        }
        return pixels; // a stream without its end code: what decoded still counts
    }

    private static int Length(int[] lengths, int code, int clear) => code < clear ? 1 : lengths[code];

    /// <summary>The bits of an image's data sub-blocks, least significant first, read across sub-block boundaries.</summary>
    private ref struct SubBlockBits(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset, _left;
        private uint _bits;
        private int _count;

        public bool TryRead(int width, out int code)
        {
            while (_count < width)
            {
                if (_left == 0)
                {
                    if (_offset >= _data.Length || _data[_offset] == 0)
                    {
                        code = 0;
                        return false;
                    }
                    _left = _data[_offset++];
                }
                _bits |= (uint)_data[_offset++] << _count;
                _count += 8;
                _left--;
            }
            code = (int)(_bits & ((1u << width) - 1));
            _bits >>= width;
            _count -= width;
            return true;
        }
    }
}
