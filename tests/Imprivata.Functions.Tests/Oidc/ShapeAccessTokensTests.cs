using System.Net;
using System.Text.Json;
using Imprivata.Functions.Oidc;
using Imprivata.Core.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// Access tokens as RFC 9068 defines them (typ at+jwt; iss, exp, iat, sub, client_id, jti and an aud), for the APIs named
/// with resource indicators (RFC 8707) and registered in the console, carrying none of our internal claims.
/// </summary>
public sealed class ShapeAccessTokensTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    private const string Records = "https://records.example/api";
    private const string Imaging = "https://imaging.example/api";
    private const string Billing = "https://billing.example/api";

    /// <summary>RFC 9068 section 2.2 and the user's own claims; nothing else reaches an API.</summary>
    private static readonly string[] ResourceServerClaims =
        ["iss", "exp", "iat", "nbf", "sub", "client_id", "jti", "aud", "scope", "name", "preferred_username"];

    private async Task RegisterAsync(params string[] uris)
    {
        using var scope = fx.Service.Services.CreateScope();
        var resources = scope.ServiceProvider.GetRequiredService<ApiResources>();
        foreach (var uri in uris)
            if (!await resources.IsRegisteredAsync(uri, default))
                Assert.Null(await resources.AddAsync(uri, "API " + uri, default));
    }

    private static void AssertRfc9068(JsonWebToken token, string issuer)
    {
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal(issuer, token.Issuer);
        foreach (var claim in new[] { "exp", "iat", "sub", "client_id", "jti", "aud" })
            Assert.True(token.TryGetPayloadValue<object>(claim, out _), "missing " + claim);
    }

    private static void AssertNoInternalClaims(JsonWebToken token) =>
        Assert.All(token.Claims.Select(c => c.Type).Distinct(), type => Assert.Contains(type, ResourceServerClaims));

    private async Task<string> CodeAsync(OidcFlow browser, AuthorizeRequest request, params string[] resources)
    {
        var user = await fx.NewUserAsync();
        await browser.GetCodeAsync(fx.NewRequest(), user.Username, OidcFixture.Password); // signed in
        var url = OidcFlow.AuthorizeUrl(request) + string.Concat(resources.Select(r => "&resource=" + Uri.EscapeDataString(r)));
        var response = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.GetAsync(url)));
        Assert.True(response.Code is not null, "no code at " + response.Location);
        return response.Code!;
    }

    private static Task<TokenResponse> RedeemAsync(OidcFlow browser, AuthorizeRequest request, string code, string secret, params string[] resources) =>
        browser.TokenAsync(new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", request.RedirectUri),
            new("code_verifier", request.Verifier), new("client_id", request.ClientId), new("client_secret", secret),
        }.Concat(resources.Select(r => new KeyValuePair<string, string>("resource", r))));

    [Fact]
    public async Task ClientCredentials_NoResource_AudienceIsTheClientAndOnlyRfc9068Claims()
    {
        using var browser = fx.NewBrowser();
        var token = new JsonWebToken((await browser.ClientCredentialsAsync(OidcFixture.ClientId, fx.Secret)).AccessToken);
        AssertRfc9068(token, fx.Issuer);
        Assert.Equal([OidcFixture.ClientId], token.Audiences);
        Assert.Equal(OidcFixture.ClientId, token.GetClaim("client_id").Value);
        AssertNoInternalClaims(token);
    }

    [Fact]
    public async Task ClientCredentials_RegisteredResource_AudienceIsTheApi()
    {
        await RegisterAsync(Records);
        using var browser = fx.NewBrowser();
        var response = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = OidcFixture.ClientId, ["client_secret"] = fx.Secret, ["resource"] = Records,
        });
        var token = new JsonWebToken(response.AccessToken);
        Assert.Equal([Records], token.Audiences);
        AssertNoInternalClaims(token);
    }

    [Theory]
    [InlineData("https://unknown.example/api")]
    [InlineData("https://records.example/api/other")]
    public async Task ClientCredentials_UnregisteredResource_InvalidTarget(string resource)
    {
        await RegisterAsync(Records);
        using var browser = fx.NewBrowser();
        var response = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = OidcFixture.ClientId, ["client_secret"] = fx.Secret, ["resource"] = resource,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_target", response.Error);
    }

    [Fact]
    public async Task Authorize_UnregisteredResource_InvalidTargetAtTheRedirectUri()
    {
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var url = OidcFlow.AuthorizeUrl(request) + "&resource=" + Uri.EscapeDataString("https://unknown.example/api");
        var response = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.GetAsync(url)));
        Assert.StartsWith(OidcFixture.RedirectUri.AbsoluteUri, response.Location.AbsoluteUri);
        Assert.Equal("invalid_target", response.Error);
        Assert.Equal(request.Parameters["state"], response.State);
    }

    [Fact]
    public async Task CodeFlow_WithResource_SignedJwtForThatApiWithoutInternalClaims()
    {
        await RegisterAsync(Records);
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var tokens = await RedeemAsync(browser, request, await CodeAsync(browser, request, Records), fx.Secret);

        var token = new JsonWebToken(tokens.AccessToken);
        Assert.Equal("RS256", token.Alg); // signed with a key of our JWKS, not encrypted: the API validates it
        AssertRfc9068(token, fx.Issuer);
        Assert.Equal([Records], token.Audiences);
        AssertNoInternalClaims(token); // no sid, auth_ms, amr, acr, authorization or presenter ids
    }

    [Fact]
    public async Task Userinfo_TokenIssuedForAnApi_InvalidToken()
    {
        await RegisterAsync(Records);
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var tokens = await RedeemAsync(browser, request, await CodeAsync(browser, request, Records), fx.Secret);

        var response = await browser.UserInfoAsync(tokens.AccessToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRequest_NarrowsToOneGrantedResource_NeverWidens()
    {
        await RegisterAsync(Records, Imaging, Billing);
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var tokens = await RedeemAsync(browser, request, await CodeAsync(browser, request, Records, Imaging), fx.Secret, Imaging);
        Assert.Equal([Imaging], new JsonWebToken(tokens.AccessToken).Audiences);

        // The refresh token keeps the whole grant: the other API is still reachable, one that was not granted is not.
        var records = await browser.TokenAsync(RefreshForm(tokens.RefreshToken!, Records));
        Assert.Equal([Records], new JsonWebToken(records.AccessToken).Audiences);
        var billing = await browser.TokenAsync(RefreshForm(records.RefreshToken!, Billing));
        Assert.Equal("invalid_target", billing.Error);
    }

    private Dictionary<string, string> RefreshForm(string refreshToken, string resource) => new()
    {
        ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["client_id"] = OidcFixture.ClientId,
        ["client_secret"] = fx.Secret, ["resource"] = resource,
    };

    [Fact]
    public async Task CodeFlow_NoResource_OpaqueTokenForUserinfoNamesItsAudience()
    {
        using var browser = fx.NewBrowser();
        var user = await fx.NewUserAsync();
        var tokens = await browser.GetTokensAsync(fx.NewRequest(), user.Username, OidcFixture.Password, fx.Secret);

        var keys = fx.Service.Services.GetRequiredService<ITokenEncryptionKeySource>();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.AccessToken, new TokenValidationParameters
        {
            TokenDecryptionKey = new SymmetricSecurityKey(await keys.GetOrCreateAsync(default)),
            IssuerSigningKey = new SymmetricSecurityKey(await keys.GetOrCreateSigningKeyAsync(default)),
            ValidIssuer = fx.Issuer, ValidAudience = new Uri(fx.Service.BaseUri, "connect/userinfo").AbsoluteUri,
            ValidTypes = ["at+jwt"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var inner = ((JsonWebToken)result.SecurityToken).InnerToken;
        AssertRfc9068(inner, fx.Issuer);
        Assert.Equal(HttpStatusCode.OK, (await browser.UserInfoAsync(tokens.AccessToken!)).StatusCode);
    }
}
