namespace Imprivata.RadiusEdge.Tests.Protocol;

internal static class Hex
{
    /// <summary>Hex with any whitespace, as printed in the RFCs.</summary>
    public static byte[] Parse(string text) =>
        Convert.FromHexString(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));
}
