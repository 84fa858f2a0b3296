using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Imprivata.Functions.Infrastructure;
using Imprivata.Functions.Login;
using Imprivata.Functions.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Imprivata.Demo.Sample;

/// <summary>The demo app's pages. Deliberately plain: it shows the protocol, not a framework.</summary>
public sealed class SampleRelyingParty(SampleClient client, IHttpClientFactory http, IOptions<ServiceOptions> options)
{
    private const string FlowCookie = "sample-flow";
    private const string TokenCookie = "sample-idtoken";
    private readonly Uri _issuer = options.Value.PublicBase;
    private string Redirect => new Uri(_issuer, SampleSetup.Path[1..] + "/callback").ToString();

    public IResult Home(HttpContext context)
    {
        if (!client.IsConfigured)
            return Page("Sample app", "<p>The demo client is not registered. Start the service with <code>./run.sh</code>.</p>");
        var body = "<p>This page is a relying party of the local identity provider.</p>" +
                   "<p><a class=\"button\" href=\"/sample/signin\">Sign in</a></p>";
        return Page("Sample app", body);
    }

    public IResult SignIn(HttpContext context)
    {
        if (!client.IsConfigured)
            return Results.Redirect(SampleSetup.Path);
        var verifier = SsoSessions.Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = SsoSessions.Base64Url(RandomNumberGenerator.GetBytes(16));
        var nonce = SsoSessions.Base64Url(RandomNumberGenerator.GetBytes(16));
        var challenge = SsoSessions.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        context.Response.Cookies.Append(FlowCookie, $"{state}.{nonce}.{verifier}", new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = SampleSetup.Path, MaxAge = TimeSpan.FromMinutes(10) });
        var url = QueryHelpers.AddQueryString(new Uri(_issuer, OidcSetup.AuthorizePath[1..]).ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = client.ClientId,
            ["response_type"] = "code",
            ["scope"] = "openid profile email",
            ["redirect_uri"] = Redirect,
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });
        return Results.Redirect(url);
    }

    public async Task<IResult> CallbackAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (!context.Request.Cookies.TryGetValue(FlowCookie, out var flow) || flow.Split('.') is not [var state, var nonce, var verifier])
            return Page("Sign-in failed", "<p>No sign-in was in progress.</p>");
        if (query["error"].Count > 0)
            return Page("Sign-in failed", $"<p>The provider answered <code>{Enc(query["error"])}</code>: {Enc(query["error_description"])}</p>");
        if (query["state"] != state || query["iss"] != _issuer.ToString())
            return Page("Sign-in failed", "<p>The response does not belong to this sign-in (state or iss mismatch).</p>");

        string? idToken;
        JsonWebKeySet jwks;
        try
        {
            (idToken, var status) = await RedeemAsync(query["code"].ToString(), verifier, context.RequestAborted);
            if (idToken is null)
                return Page("Sign-in failed", $"<p>The token endpoint answered {status}.</p>");
            jwks = new JsonWebKeySet(await http.CreateClient(nameof(SampleRelyingParty)).GetStringAsync(new Uri(_issuer, OidcSetup.JwksPath[1..]), context.RequestAborted));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or ArgumentException)
        {
            return Page("Sign-in failed", $"<p>The provider could not be asked for the token: {Enc(e.GetBaseException().Message)}</p>");
        }
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = _issuer.ToString(),
            ValidAudience = client.ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        });
        if (!validation.IsValid || validation.Claims.TryGetValue("nonce", out var n) is false || (string)n != nonce)
            return Page("Sign-in failed", "<p>The ID token did not validate.</p>");

        context.Response.Cookies.Delete(FlowCookie, new CookieOptions { Path = SampleSetup.Path });
        context.Response.Cookies.Append(TokenCookie, idToken, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = SampleSetup.Path });
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(((JsonWebToken)validation.SecurityToken).EncodedPayload));
        var rows = string.Join("", IdTokenClaims.Rows(payload.RootElement).Select(c =>
            $"<tr id=\"claim-{Enc(c.Name)}\"><th>{Enc(c.Name)}</th><td><code>{Enc(c.Value)}</code></td></tr>"));
        return Page("Signed in", $"<p>The ID token is valid. Its claims:</p><table id=\"claims\">{rows}</table><p><a class=\"button\" href=\"/sample/signout\">Sign out</a></p>");
    }

    /// <summary>The code for tokens at the token endpoint (client_secret_basic, PKCE): the ID token, or the status code refusing it.</summary>
    private async Task<(string? IdToken, int Status)> RedeemAsync(string code, string verifier, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_issuer, OidcSetup.TokenPath[1..]))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = Redirect,
                ["code_verifier"] = verifier,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.ClientId!)}:{Uri.EscapeDataString(client.ClientSecret!)}")));
        using var response = await http.CreateClient(nameof(SampleRelyingParty)).SendAsync(request, ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return response.IsSuccessStatusCode && json.RootElement.TryGetProperty("id_token", out var idToken) && idToken.ValueKind == JsonValueKind.String
            ? (idToken.GetString(), (int)response.StatusCode)
            : (null, (int)response.StatusCode);
    }

    public IResult SignOut(HttpContext context)
    {
        var hint = context.Request.Cookies[TokenCookie];
        context.Response.Cookies.Delete(TokenCookie, new CookieOptions { Path = SampleSetup.Path });
        var url = QueryHelpers.AddQueryString(new Uri(_issuer, OidcSetup.EndSessionPath[1..]).ToString(), new Dictionary<string, string?>
        {
            ["id_token_hint"] = hint,
            ["post_logout_redirect_uri"] = new Uri(_issuer, SampleSetup.Path[1..]).ToString(),
        });
        return Results.Redirect(url);
    }

    private static string Enc(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    private static IResult Page(string title, string body) => Results.Content(
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Enc(title)}</title>" +
        "<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:40px auto;color:#1d2733}th{text-align:left;padding:4px 12px 4px 0}" +
        "td code{word-break:break-all}.button{display:inline-block;background:#0a66c2;color:#fff;padding:8px 18px;border-radius:4px;text-decoration:none}</style>" +
        $"</head><body><h1>{Enc(title)}</h1>{body}</body></html>", "text/html; charset=utf-8");
}
