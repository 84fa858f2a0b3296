using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Storage.OpenIddict;

/// <summary>Row keys for the OpenIddict tables.</summary>
internal static class TableKeys
{
    /// <summary>Random ids spread rows over partitions (one entity per partition) and are valid keys as they are.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// Azure Tables forbid / \ # ? and control characters in keys and cap them at 1 KiB; an identifier that breaks
    /// these rules cannot name a row we wrote, so lookups by it simply find nothing.
    /// </summary>
    public static bool IsValidId(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 256 &&
        !value.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?');

    /// <summary>
    /// A fixed-length, key-safe stand-in for an arbitrary lookup value (client id, URI, subject, reference id).
    /// Collisions are harmless: every index hit is re-checked against the entity it points to.
    /// </summary>
    public static string Hash(string value) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
