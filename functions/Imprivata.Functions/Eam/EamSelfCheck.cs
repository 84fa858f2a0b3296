using System.Text.Json;

namespace Imprivata.Functions.Eam;

/// <summary>One rule of Entra's discovery checks that our published metadata breaks.</summary>
public sealed record EamCheckProblem(string Rule, string Message);

/// <summary>
/// Fetches a discovery document and its JWKS as Entra does when an administrator saves the external method, and lists every
/// rule they break (Microsoft Learn, EAM provider "discovery" requirements): https, the URL's shape, issuer identity, the
/// mandatory members, x5c on every key, and a valid Content-Length on both answers.
/// </summary>
public sealed class EamSelfCheck(IHttpClientFactory clients)
{
    public const string HttpClientName = "eam-self-check";
    private const string Suffix = "/.well-known/openid-configuration";

    public async Task<IReadOnlyList<EamCheckProblem>> CheckAsync(string discoveryUrl, CancellationToken ct)
    {
        var problems = new List<EamCheckProblem>();
        void Add(string rule, string message) => problems.Add(new(rule, message));
        if (!Uri.TryCreate(discoveryUrl, UriKind.Absolute, out var url))
        {
            Add("url", "The discovery URL is not an absolute URL.");
            return problems;
        }
        if (url.Scheme != Uri.UriSchemeHttps)
            Add("https", "Entra accepts only https: the discovery URL uses " + url.Scheme + ". Set Imprivata:PublicBaseUrl to the https address.");
        if (url.Query.Length > 0 || url.Fragment.Length > 0)
            Add("query", "The discovery URL must not carry a query string or fragment.");
        if (!url.AbsolutePath.EndsWith(Suffix, StringComparison.Ordinal))
            Add("suffix", "The discovery URL must end in " + Suffix + ".");
        var expectedIssuer = url.GetLeftPart(UriPartial.Path);
        expectedIssuer = expectedIssuer.EndsWith(Suffix, StringComparison.Ordinal) ? expectedIssuer[..^Suffix.Length] : expectedIssuer;

        var document = await FetchAsync(url, "discovery document", Add, ct);
        if (document is not { } doc)
            return problems;
        using (doc)
        {
            var root = doc.RootElement;
            var issuer = String(root, "issuer");
            if (issuer != expectedIssuer)
                Add("issuer", $"The issuer \"{issuer}\" is not the discovery URL without its suffix (\"{expectedIssuer}\"), character for character.");
            if (issuer is not null && (issuer.Contains('?') || issuer.Contains('#')))
                Add("query", "The issuer must not carry a query string or fragment.");
            RequireMember(root, "scopes_supported", "openid", Add);
            RequireMember(root, "response_types_supported", "id_token", Add);
            RequireMember(root, "response_modes_supported", "form_post", Add);
            RequireMember(root, "id_token_signing_alg_values_supported", "RS256", Add);
            if (!root.TryGetProperty("subject_types_supported", out var subjects) || subjects.ValueKind != JsonValueKind.Array || subjects.GetArrayLength() == 0)
                Add("subject_types_supported", "subject_types_supported is missing.");
            if (String(root, "authorization_endpoint") is not { } authorize || !authorize.StartsWith("https://", StringComparison.Ordinal))
                Add("https", "The authorization_endpoint must be an https URL.");
            if (String(root, "jwks_uri") is not { } jwks || !Uri.TryCreate(jwks, UriKind.Absolute, out var jwksUrl))
            {
                Add("jwks_uri", "jwks_uri is missing.");
                return problems;
            }
            else
            {
                if (jwksUrl.Scheme != Uri.UriSchemeHttps)
                    Add("https", "The jwks_uri must be an https URL.");
                if (jwksUrl.Query.Length > 0)
                    Add("query", "The jwks_uri must not carry a query string.");
                await CheckKeysAsync(jwksUrl, Add, ct);
            }
        }
        return problems;
    }

    private async Task CheckKeysAsync(Uri jwksUrl, Action<string, string> add, CancellationToken ct)
    {
        using var doc = await FetchAsync(jwksUrl, "JWKS", add, ct);
        if (doc is null)
            return;
        if (!doc.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array || keys.GetArrayLength() == 0)
        {
            add("keys", "The JWKS lists no keys.");
            return;
        }
        foreach (var key in keys.EnumerateArray())
        {
            if (!key.TryGetProperty("x5c", out var x5c) || x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() == 0)
                add("x5c", $"Key \"{String(key, "kid")}\" has no x5c certificate; Entra refuses keys without one.");
        }
    }

    private async Task<JsonDocument?> FetchAsync(Uri url, string what, Action<string, string> add, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await clients.CreateClient(HttpClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            // The header as sent: HttpContent computes a ContentLength of its own once the body is buffered.
            var declared = response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var values) && values.Count == 1
                && long.TryParse(values.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                add("status", $"The {what} answered HTTP {(int)response.StatusCode}.");
                return null;
            }
            // Entra reads the body by its declared length: a chunked answer or a wrong length is refused.
            if (declared is not { } length || length != body.Length || response.Headers.TransferEncodingChunked == true)
                add("content_length", $"The {what} has no valid Content-Length header.");
            return JsonDocument.Parse(body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            add("fetch", $"The {what} could not be read ({e.GetType().Name}).");
            return null;
        }
    }

    private static void RequireMember(JsonElement root, string name, string value, Action<string, string> add)
    {
        if (!root.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array
            || !list.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && v.GetString() == value))
            add(name, $"{name} must contain \"{value}\".");
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
