using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Imprivata.Testing;

/// <summary>An OpenID provider under test: where it is, its one client and its one user.</summary>
public sealed record OidcTarget(string Name, Uri Issuer, string ClientId, string ClientSecret, Uri RedirectUri, string Username, string Password);

/// <summary>An authorization code with the PKCE verifier that redeems it.</summary>
public sealed record IssuedCode(string Code, string Verifier);

/// <summary>
/// The one HTTP driver used for both providers: HttpClient over a SocketsHttpHandler (loopback, keep-alive, no automatic
/// redirects or cookies), with a cookie jar per simulated browser so each login can start from nothing.
/// </summary>
public sealed class OidcDriver : IDisposable
{
    private const int MaxSteps = 12;
    private readonly HttpClient _http;

    private OidcDriver(HttpClient http, OidcTarget target, Uri authorize, Uri token, Uri jwks)
    {
        _http = http;
        Target = target;
        AuthorizeEndpoint = authorize;
        TokenEndpoint = token;
        JwksUri = jwks;
    }

    public OidcTarget Target { get; }
    public Uri AuthorizeEndpoint { get; }
    public Uri TokenEndpoint { get; }
    public Uri JwksUri { get; }
    public Uri DiscoveryUri => new(Target.Issuer, ".well-known/openid-configuration");

    public static async Task<OidcDriver> ConnectAsync(OidcTarget target, int concurrency)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            // No trace headers: both providers see the same bare requests.
            ActivityHeadersPropagator = null,
        };
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var issuer = target.Issuer.ToString().EndsWith('/') ? target.Issuer : new Uri(target.Issuer + "/");
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(issuer, ".well-known/openid-configuration")));
        Uri Endpoint(string name) => new(doc.RootElement.GetProperty(name).GetString()!);
        return new OidcDriver(http, target with { Issuer = issuer }, Endpoint("authorization_endpoint"), Endpoint("token_endpoint"), Endpoint("jwks_uri"));
    }

    /// <summary>GET that must answer 200; reads the whole body like a client would.</summary>
    public async Task GetOkAsync(Uri uri)
    {
        using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {uri.AbsolutePath}: {(int)response.StatusCode}");
    }

    /// <summary>One complete password login from an empty cookie jar, ending with the code's redemption.</summary>
    public async Task LoginAsync()
    {
        var code = await AuthorizeAsync(new CookieContainer(), signIn: true);
        await RedeemAsync(code);
    }

    /// <summary>Signs in once and returns the browser's cookie jar holding the SSO session.</summary>
    public async Task<CookieContainer> EstablishSessionAsync()
    {
        var jar = new CookieContainer();
        await AuthorizeAsync(jar, signIn: true);
        return jar;
    }

    /// <summary>
    /// Follows /authorize like a browser: redirects, and (when <paramref name="signIn"/>) the login form with the user's
    /// username and password, until the provider redirects to the client with a code.
    /// </summary>
    public async Task<IssuedCode> AuthorizeAsync(CookieContainer jar, bool signIn)
    {
        var pkce = Pkce.New();
        var state = Pkce.Base64Url(Guid.NewGuid().ToByteArray());
        var url = new Uri(QueryHelpers.AddQueryString(AuthorizeEndpoint.ToString(), new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = Target.ClientId,
            ["redirect_uri"] = Target.RedirectUri.ToString(),
            ["scope"] = "openid profile email",
            ["state"] = state,
            ["nonce"] = state,
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        }));
        using var first = new HttpRequestMessage(HttpMethod.Get, url);
        var request = first;
        var formsPosted = 0;
        for (var step = 0; step < MaxSteps; step++)
        {
            using var response = await SendAsync(request, jar);
            if (!ReferenceEquals(request, first))
                request.Dispose();
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location);
                if (next.GetLeftPart(UriPartial.Path) == Target.RedirectUri.GetLeftPart(UriPartial.Path))
                    return CodeFrom(next, state, pkce);
                request = new HttpRequestMessage(HttpMethod.Get, next);
                continue;
            }
            var body = await response.Content.ReadAsStringAsync();
            var form = status == 200 && signIn && formsPosted == 0 ? HtmlForm.Find(body, request.RequestUri!) : null;
            if (form is null)
                throw new InvalidOperationException($"{Target.Name}: unexpected {status} at {request.RequestUri!.AbsolutePath}: {Clip(body)}");
            formsPosted++;
            form = form.With("username", Target.Username).With("password", Target.Password);
            request = new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = new FormUrlEncodedContent(form.Fields) };
        }
        throw new InvalidOperationException($"{Target.Name}: no code after {MaxSteps} steps");
    }

    /// <summary>authorization_code grant with client_secret_basic (RFC 6749 2.3.1, 4.1.3) and the PKCE verifier.</summary>
    public async Task RedeemAsync(IssuedCode code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code.Code,
                ["redirect_uri"] = Target.RedirectUri.ToString(),
                ["code_verifier"] = code.Verifier,
            }),
        };
        var credentials = Uri.EscapeDataString(Target.ClientId) + ":" + Uri.EscapeDataString(Target.ClientSecret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK || !body.Contains("\"access_token\"", StringComparison.Ordinal) ||
            !body.Contains("\"id_token\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"{Target.Name}: token {(int)response.StatusCode}: {Clip(body)}");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CookieContainer jar)
    {
        var uri = request.RequestUri!;
        var cookies = jar.GetCookieHeader(uri);
        if (cookies.Length > 0)
            request.Headers.Add("Cookie", cookies);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var header in setCookies)
                jar.SetCookies(uri, header);
        return response;
    }

    private IssuedCode CodeFrom(Uri redirect, string state, Pkce pkce)
    {
        var query = QueryHelpers.ParseQuery(redirect.Query);
        if (query.TryGetValue("error", out var error))
            throw new InvalidOperationException($"{Target.Name}: authorize error {error} {query.GetValueOrDefault("error_description")}");
        if (query.GetValueOrDefault("state") != state || !query.TryGetValue("code", out var code))
            throw new InvalidOperationException($"{Target.Name}: redirect without code or with a wrong state: {redirect}");
        return new IssuedCode(code.ToString(), pkce.Verifier);
    }

    private static string Clip(string text) => text.Length > 300 ? text[..300] : text;

    public void Dispose() => _http.Dispose();
}
