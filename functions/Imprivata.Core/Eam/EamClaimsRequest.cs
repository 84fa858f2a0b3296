using System.Text.Json;

namespace Imprivata.Core.Eam;

/// <summary>
/// The request's <c>claims</c> parameter (OIDC Core 5.5): the acr and amr values Entra will accept in our id_token, in its order.
/// </summary>
public sealed record EamClaimsRequest(IReadOnlyList<string> Acr, IReadOnlyList<string> Amr)
{
    /// <summary>Null when missing or malformed, or when it asks for no acr or no amr value (nothing could satisfy it).</summary>
    public static EamClaimsRequest? Parse(string? claims)
    {
        if (string.IsNullOrWhiteSpace(claims) || claims.Length > 8 * 1024)
            return null;
        try
        {
            using var doc = JsonDocument.Parse(claims);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("id_token", out var idToken) || idToken.ValueKind != JsonValueKind.Object)
                return null;
            var acr = ValuesOf(idToken, "acr");
            var amr = ValuesOf(idToken, "amr");
            return acr.Count > 0 && amr.Count > 0 ? new EamClaimsRequest(acr, amr) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<string> ValuesOf(JsonElement idToken, string claim)
    {
        if (!idToken.TryGetProperty(claim, out var request) || request.ValueKind != JsonValueKind.Object)
            return [];
        var values = new List<string>();
        if (request.TryGetProperty("values", out var list) && list.ValueKind == JsonValueKind.Array)
            values.AddRange(list.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!));
        if (request.TryGetProperty("value", out var single) && single.ValueKind == JsonValueKind.String)
            values.Add(single.GetString()!);
        return [.. values.Where(v => v.Length is > 0 and <= 64).Distinct(StringComparer.Ordinal)];
    }
}
