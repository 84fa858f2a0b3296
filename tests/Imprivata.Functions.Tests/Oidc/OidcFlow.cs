using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>An authorization request's parameters (a mutable copy) and the PKCE verifier that goes with its challenge.</summary>
public sealed record AuthorizeRequest(Dictionary<string, string?> Parameters, string Verifier)
{
    public string ClientId => Parameters["client_id"]!;
    public string RedirectUri => Parameters["redirect_uri"]!;

    public AuthorizeRequest With(string name, string? value)
    {
        var copy = new Dictionary<string, string?>(Parameters) { [name] = value };
        if (value is null)
            copy.Remove(name);
        return this with { Parameters = copy };
    }
}

/// <summary>What came back to the client's redirect_uri (query) or in a form_post page.</summary>
public sealed record AuthorizationResponse(Uri Location, IReadOnlyDictionary<string, string> Values)
{
    public string? Code => Values.GetValueOrDefault("code");
    public string? Error => Values.GetValueOrDefault("error");
    public string? State => Values.GetValueOrDefault("state");
    public string? Iss => Values.GetValueOrDefault("iss");
}

/// <summary>A token endpoint answer: status, headers and the JSON body.</summary>
public sealed record TokenResponse(HttpStatusCode Status, HttpResponseMessage Http, JsonElement Json)
{
    public string? Error => Json.TryGetProperty("error", out var e) ? e.GetString() : null;
    public string? AccessToken => Json.TryGetProperty("access_token", out var e) ? e.GetString() : null;
    public string? RefreshToken => Json.TryGetProperty("refresh_token", out var e) ? e.GetString() : null;
    public string? IdToken => Json.TryGetProperty("id_token", out var e) ? e.GetString() : null;
}

/// <summary>
/// One browser (cookie jar, no automatic redirects) talking to the real service: signs in through /login with the form's csrf
/// token and walks the authorization code flow with PKCE, so each test can stop at the step it examines.
/// </summary>
public sealed class OidcFlow : IDisposable
{
    private readonly TestService service;

    public OidcFlow(TestService service)
    {
        this.service = service;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = Cookies })
        {
            BaseAddress = service.BaseUri,
        };
    }

    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }
    public TestService Service => service;

    public static string NewVerifier() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string ChallengeOf(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static AuthorizeRequest NewRequest(string clientId, Uri redirectUri, string scope = "openid profile email offline_access")
    {
        var verifier = NewVerifier();
        return new AuthorizeRequest(new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri.ToString(),
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = "st-" + Base64Url(RandomNumberGenerator.GetBytes(8)),
            ["nonce"] = "n-" + Base64Url(RandomNumberGenerator.GetBytes(8)),
            ["code_challenge"] = ChallengeOf(verifier),
            ["code_challenge_method"] = "S256",
        }, verifier);
    }

    public static string AuthorizeUrl(AuthorizeRequest request) => QueryHelpers.AddQueryString("/connect/authorize", request.Parameters);

    public async Task<HttpResponseMessage> GetAsync(string url)
    {
        return await Http.GetAsync(url);
    }

    public async Task<HttpResponseMessage> PostFormAsync(string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        return await Http.PostAsync(url, new FormUrlEncodedContent(form));
    }

    public Task<HttpResponseMessage> AuthorizeAsync(AuthorizeRequest request) => GetAsync(AuthorizeUrl(request));

    /// <summary>GET the login form (for returnUrl), read its csrf token, POST the credentials. Returns the POST's response.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string username, string password, string? returnUrl = null)
    {
        var form = await GetAsync(returnUrl is null ? "/login" : QueryHelpers.AddQueryString("/login", "returnUrl", returnUrl));
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var csrf = CsrfOf(await form.Content.ReadAsStringAsync());
        return await PostFormAsync("/login", new Dictionary<string, string>
        {
            ["csrf"] = csrf,
            ["returnUrl"] = returnUrl ?? "",
            ["username"] = username,
            ["password"] = password,
        });
    }

    /// <summary>Authorize; sign in if the service asks; return where the final redirect pointed (code or error).</summary>
    public async Task<AuthorizationResponse> AuthorizeWithSignInAsync(AuthorizeRequest request, string username, string password)
    {
        var first = await AuthorizeAsync(request);
        var location = LocationOf(first);
        if (location.StartsWith("/login", StringComparison.Ordinal))
        {
            var returnUrl = QueryHelpers.ParseQuery(new Uri(service.BaseUri, location).Query)["returnUrl"].ToString();
            var posted = await SignInAsync(username, password, returnUrl);
            Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
            var back = await GetAsync(LocationOf(posted));
            location = LocationOf(back);
        }
        return ResponseAt(location);
    }

    /// <summary>Signs in (if needed) and returns the code, asserting the response is a success for this request.</summary>
    public async Task<string> GetCodeAsync(AuthorizeRequest request, string username, string password)
    {
        var response = await AuthorizeWithSignInAsync(request, username, password);
        Assert.True(response.Code is not null, "no code at " + response.Location);
        Assert.Equal(request.Parameters["state"], response.State);
        return response.Code!;
    }

    public static AuthorizationResponse ResponseAt(string location)
    {
        var uri = new Uri(location, UriKind.Absolute);
        var values = QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        if (uri.Fragment.Length > 1)
            foreach (var (k, v) in QueryHelpers.ParseQuery(uri.Fragment[1..]))
                values[k] = v.ToString();
        return new AuthorizationResponse(uri, values);
    }

    public static string LocationOf(HttpResponseMessage response)
    {
        Assert.True(response.Headers.Location is not null, $"expected a redirect, got {(int)response.StatusCode}");
        return response.Headers.Location!.OriginalString;
    }

    public Task<TokenResponse> RedeemAsync(AuthorizeRequest request, string code, string clientSecret, string? verifier = null) =>
        TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = request.RedirectUri,
            ["code_verifier"] = verifier ?? request.Verifier,
            ["client_id"] = request.ClientId,
            ["client_secret"] = clientSecret,
        });

    public Task<TokenResponse> RefreshAsync(string refreshToken, string clientId, string clientSecret, string? scope = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        };
        if (scope is not null)
            form["scope"] = scope;
        return TokenAsync(form);
    }

    /// <summary>A token request without cookies (a back channel call, as a relying party makes it).</summary>
    public async Task<TokenResponse> TokenAsync(IEnumerable<KeyValuePair<string, string>> form)
    {
        using var backChannel = new HttpClient { BaseAddress = service.BaseUri };
        var response = await backChannel.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        return new TokenResponse(response.StatusCode, response, JsonDocument.Parse(body.Length == 0 ? "{}" : body).RootElement.Clone());
    }

    /// <summary>grant_type=client_credentials, the secret in the form (client_secret_post).</summary>
    public Task<TokenResponse> ClientCredentialsAsync(string clientId, string clientSecret) => TokenAsync(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = clientId,
        ["client_secret"] = clientSecret,
    });

    public async Task<HttpResponseMessage> UserInfoAsync(string accessToken)
    {
        using var backChannel = new HttpClient { BaseAddress = service.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        return await backChannel.SendAsync(request);
    }

    /// <summary>A full sign-in and redemption: the tokens of a fresh code for this request.</summary>
    public async Task<TokenResponse> GetTokensAsync(AuthorizeRequest request, string username, string password, string clientSecret)
    {
        var code = await GetCodeAsync(request, username, password);
        var tokens = await RedeemAsync(request, code, clientSecret);
        Assert.True(tokens.Status == HttpStatusCode.OK, "token request failed: " + tokens.Json);
        return tokens;
    }

    public static string CsrfOf(string html) => HiddenField(html, "csrf") ?? throw new Xunit.Sdk.XunitException("no csrf field in: " + html);

    public static string? HiddenField(string html, string name)
    {
        var match = Regex.Match(html, "name=\"" + Regex.Escape(name) + "\" value=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    public string? CookieValue(string name) => Cookies.GetCookies(service.BaseUri)[name]?.Value;

    public void Dispose() => Http.Dispose();
}
