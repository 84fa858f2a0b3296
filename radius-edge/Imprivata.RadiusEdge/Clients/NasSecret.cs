using System.Security.Cryptography;

namespace Imprivata.RadiusEdge.Clients;

/// <summary>Shared secrets: the vendor's best practice is a computer-generated string of 22 to 64 characters.</summary>
public static class NasSecret
{
    public const int MinLength = 22;
    public const int MaxLength = 64;
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>32 characters from a 56-symbol alphabet (about 186 bits).</summary>
    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, 32);

    public static bool IsAcceptable(string secret) => secret.Length is >= MinLength and <= MaxLength;
}
