namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// Authorization codes as "<c>token id</c>~<c>random</c>": the code carries the key of its own row, so it needs no reference
/// index entry (one storage write fewer per code issued, one read fewer per code redeemed on another instance). The token id
/// is not secret (random, like a row key); the random part is OpenIddict's 256 bits, and the stored reference id is the
/// SHA-256 of the whole code, compared in constant time (<see cref="TableTokenStore.FindLocatedCodeAsync"/>), stored with a
/// '~' in front so that the row itself says it has no index entry (<see cref="TokenMap.IndexEntries"/>).
/// '~' is unreserved in URLs (RFC 3986 2.3) and never in a token id, in base64url, or in the base64 of a hash.
/// </summary>
internal static class LocatedCodes
{
    private const char Separator = '~';

    public static string Format(string tokenId, string random) => tokenId + Separator + random;

    /// <summary>The stored reference id of a located code: its hash, marked.</summary>
    public static string Stored(string hash) => Separator + hash;

    public static bool IsStored(string? referenceId) => referenceId is { Length: > 0 } && referenceId[0] == Separator;

    /// <summary>The token id a located code names, or null for any other reference id (codes issued before, refresh tokens).</summary>
    public static string? IdOf(string identifier)
    {
        var split = identifier.IndexOf(Separator);
        return split > 0 && split < identifier.Length - 1 && TableKeys.IsValidId(identifier[..split]) ? identifier[..split] : null;
    }
}
