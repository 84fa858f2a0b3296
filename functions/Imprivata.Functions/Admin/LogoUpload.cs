namespace Imprivata.Functions.Admin;

/// <summary>Reads an uploaded logo without ever buffering more than the limit plus one byte.</summary>
public static class LogoUpload
{
    /// <returns>The bytes, or null when the upload exceeds <see cref="WebLoginRules.MaxLogoBytes"/>.</returns>
    public static async Task<byte[]?> ReadAsync(Stream body, long? declaredLength, CancellationToken ct)
    {
        if (declaredLength > WebLoginRules.MaxLogoBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > WebLoginRules.MaxLogoBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
