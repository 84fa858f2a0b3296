using System.Buffers.Binary;

namespace Imprivata.Functions.Admin.Images;

/// <summary>
/// JPEG (ITU-T T.81 annex B): SOI, then marker segments, each scan's entropy-coded data, and EOI. Sound means: every
/// segment inside the file, quantisation tables before the frame, one frame header (SOFn) with a legal precision, size and
/// components, scans whose headers fit the frame and that carry data, and EOI after the last scan. The pixels themselves
/// are not decoded.
/// </summary>
internal static class JpegFile
{
    public static bool HasSignature(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    public static ImageHeader? Read(ReadOnlySpan<byte> data)
    {
        var offset = 2;
        int width = 0, height = 0, components = 0, scans = 0;
        var quantisation = false;
        while (true)
        {
            // B.1.1.2: a marker is 0xFF, any number of 0xFF fill bytes, then its code.
            if (offset + 2 > data.Length || data[offset] != 0xFF)
                return null;
            while (offset + 1 < data.Length && data[offset + 1] == 0xFF)
                offset++;
            if (offset + 2 > data.Length)
                return null;
            var marker = data[offset + 1];
            offset += 2;
            if (marker == 0xD9)
                return components > 0 && scans > 0 ? ImageHeader.Sized("image/jpeg", width, height) : null; // EOI
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8) or 0x00)
                return null; // no standalone marker (TEM, RSTn, a second SOI) belongs between segments
            if (offset + 2 > data.Length)
                return null;
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            if (length < 2 || offset + length > data.Length)
                return null;
            var segment = data.Slice(offset + 2, length - 2);
            offset += length;
            if (marker == 0xDB)
                quantisation = segment.Length >= 65;
            else if (IsFrame(marker))
            {
                if (components > 0 || !quantisation || ReadFrame(segment, out width, out height, out components) is false)
                    return null;
            }
            else if (marker == 0xDA)
            {
                if (components == 0 || !ScanHeaderFits(segment, components) || SkipEntropyCodedData(data, offset) is not { } next || next == offset)
                    return null;
                offset = next;
                scans++;
            }
        }
    }

    /// <summary>SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.</summary>
    private static bool IsFrame(byte marker) => marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;

    /// <summary>B.2.2: precision 8 or 12 (16 lossless), lines, samples per line, Nf components of 3 bytes each with sampling 1-4.</summary>
    private static bool ReadFrame(ReadOnlySpan<byte> frame, out int width, out int height, out int components)
    {
        (width, height, components) = (0, 0, 0);
        if (frame.Length < 6 || frame[0] is not (8 or 12 or 16))
            return false;
        height = BinaryPrimitives.ReadUInt16BigEndian(frame[1..]);
        width = BinaryPrimitives.ReadUInt16BigEndian(frame[3..]);
        components = frame[5];
        if (width == 0 || height == 0 || components is < 1 or > 4 || frame.Length != 6 + 3 * components)
            return false;
        for (var i = 0; i < components; i++)
        {
            var sampling = frame[6 + 3 * i + 1];
            if (sampling >> 4 is < 1 or > 4 || (sampling & 0x0F) is < 1 or > 4 || frame[6 + 3 * i + 2] > 3)
                return false;
        }
        return true;
    }

    /// <summary>B.2.3: Ns (1-4, at most the frame's components), 2 bytes per component, then Ss, Se, Ah/Al.</summary>
    private static bool ScanHeaderFits(ReadOnlySpan<byte> scan, int frameComponents) =>
        scan.Length >= 1 && scan[0] is >= 1 and <= 4 && scan[0] <= frameComponents && scan.Length == 1 + 2 * scan[0] + 3;

    /// <summary>
    /// B.1.1.5: entropy-coded data runs to the next marker; inside it 0xFF is always followed by a stuffed 0x00 or a restart
    /// marker. Returns the offset of that next marker, or null when the file ends first.
    /// </summary>
    private static int? SkipEntropyCodedData(ReadOnlySpan<byte> data, int offset)
    {
        for (var i = offset; i + 1 < data.Length; i++)
        {
            if (data[i] != 0xFF)
                continue;
            var following = data[i + 1];
            if (following == 0x00 || following is >= 0xD0 and <= 0xD7)
            {
                i++;
                continue;
            }
            return i;
        }
        return null;
    }
}
