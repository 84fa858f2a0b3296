using System.Security.Cryptography;

namespace Imprivata.Core.Radius;

/// <summary>
/// The shared secret between a gateway and the edge. Vendors advise a computer-generated string of 22 to 64 characters;
/// printable ASCII without spaces, so it can be typed into any gateway's form and survive copy and paste.
/// </summary>
public static class RadiusSharedSecret
{
    public const int MinLength = 22;
    public const int MaxLength = 64;
    public const int GeneratedLength = 32;
    // Letters and digits only: some gateways' consoles mangle punctuation ('"', '\\', '#').
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new random secret (32 characters of 62, about 190 bits).</summary>
    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, GeneratedLength);

    public static bool IsValid(string? secret) =>
        secret is { Length: >= MinLength and <= MaxLength } && secret.All(c => c is > ' ' and <= '~');
}
