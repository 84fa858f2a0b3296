namespace Imprivata.Functions.Admin.Images;

/// <summary>
/// Type and pixel size of a PNG, GIF or JPEG upload. Read only after the whole file's structure was walked and found
/// sound (see each reader), so that a few magic bytes and dimensions in front of anything else are "not an image" rather
/// than an image of some size. No image library touches the untrusted bytes.
/// </summary>
public sealed record ImageHeader(string ContentType, int Width, int Height)
{
    /// <summary>The image's type and size, or null when the bytes are not a whole PNG, GIF or JPEG.</summary>
    public static ImageHeader? Read(ReadOnlySpan<byte> data)
    {
        if (PngFile.HasSignature(data))
            return PngFile.Read(data);
        if (GifFile.HasSignature(data))
            return GifFile.Read(data);
        if (JpegFile.HasSignature(data))
            return JpegFile.Read(data);
        return null;
    }

    internal static ImageHeader? Sized(string type, long width, long height) =>
        width is <= 0 or > int.MaxValue || height is <= 0 or > int.MaxValue ? null : new ImageHeader(type, (int)width, (int)height);
}
