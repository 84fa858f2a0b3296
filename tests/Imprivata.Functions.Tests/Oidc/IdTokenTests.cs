using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>The ID token as a relying party checks it (OIDC Core 2, 3.1.3.6, 3.1.3.7): claims present, true and signed with our active key.</summary>
public sealed class IdTokenTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    private async Task<(TokenResponse Tokens, AuthorizeRequest Request, Imprivata.Core.UserDirectory.DirectoryUser User)> SignInAsync(AuthorizeRequest? request = null)
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        request ??= fx.NewRequest();
        return (await browser.GetTokensAsync(request, user.Username, OidcFixture.Password, fx.Secret), request, user);
    }

    internal static async Task<JsonWebKeySet> JwksAsync(OidcFixture fx)
    {
        using var browser = fx.NewBrowser();
        return new JsonWebKeySet(await (await browser.GetAsync("/.well-known/jwks")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IdToken_SignatureAndStandardClaims_Valid()
    {
        var (tokens, request, user) = await SignInAsync();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.IdToken, new TokenValidationParameters
        {
            ValidIssuer = fx.Issuer,
            ValidAudience = OidcFixture.ClientId,
            IssuerSigningKeys = (await JwksAsync(fx)).GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("RS256", token.Alg);
        Assert.Equal(user.Id, token.Subject);
        Assert.Equal(request.Parameters["nonce"], token.GetClaim("nonce").Value);
        Assert.True(token.ValidTo > DateTime.UtcNow && token.ValidTo <= DateTime.UtcNow.AddHours(1));
        Assert.True(token.IssuedAt <= DateTime.UtcNow.AddSeconds(5) && token.IssuedAt > DateTime.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task CodesRefreshAndUserAccessTokens_EncryptedAndSignedWithTheInternalHs256Key_IdTokensRs256()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var code = await browser.GetCodeAsync(request, user.Username, OidcFixture.Password);
        await AssertStoredTokensHs256Async(user.Id, expected: 1); // the code, before its redemption empties its payload

        var tokens = await browser.RedeemAsync(request, code, fx.Secret);
        Assert.Equal("RS256", new JsonWebToken(tokens.IdToken).Alg);
        // A user's access token names no resource, so no resource server could check its audience: it is opaque, only for
        // our userinfo endpoint, and costs no RSA signature.
        await AssertInternalHs256Async(tokens.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, (await browser.UserInfoAsync(tokens.AccessToken!)).StatusCode);
        await AssertStoredTokensHs256Async(user.Id, expected: 1); // the refresh token; access and ID tokens have no row
        // The internal key is never published.
        Assert.All((await JwksAsync(fx)).Keys, k => Assert.Equal("RSA", k.Kty));
    }

    [Fact]
    public async Task ClientCredentialsAccessToken_IsAnRs256JwtForResourceServers()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.ClientCredentialsAsync(OidcFixture.ClientId, fx.Secret);
        var token = new JsonWebToken(response.AccessToken);
        var active = await fx.Service.Services.GetRequiredService<ISigningKeyRing>().GetActiveKeyAsync(CancellationToken.None);
        Assert.Equal(("RS256", active.KeyId), (token.Alg, token.Kid));
        Assert.Contains((await JwksAsync(fx)).Keys, k => k.Kid == token.Kid);
    }

    private async Task AssertStoredTokensHs256Async(string subject, int expected)
    {
        var table = await fx.Service.Services.GetRequiredService<Imprivata.Storage.Tables.TableSet>().GetAsync("OidcTokens");
        var payloads = await table.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"Subject eq {subject}"))
            .Select(row => row.GetString("Payload")).Where(p => !string.IsNullOrEmpty(p)).ToListAsync();
        Assert.Equal(expected, payloads.Count);
        foreach (var payload in payloads)
            await AssertInternalHs256Async(payload!);
    }

    private async Task AssertInternalHs256Async(string token)
    {
        var keys = fx.Service.Services.GetRequiredService<ITokenEncryptionKeySource>();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            TokenDecryptionKey = new SymmetricSecurityKey(await keys.GetOrCreateAsync(default)),
            IssuerSigningKey = new SymmetricSecurityKey(await keys.GetOrCreateSigningKeyAsync(default)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512],
            ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("HS256", ((JsonWebToken)result.SecurityToken).InnerToken.Alg);
    }

    [Fact]
    public async Task IdToken_AuthTime_IsTheSignInTime()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (tokens, _, _) = await SignInAsync(fx.NewRequest().With("max_age", "600"));
        var authTime = long.Parse(new JsonWebToken(tokens.IdToken).GetClaim("auth_time").Value, CultureInfo.InvariantCulture);
        Assert.InRange(authTime, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task IdToken_AtHash_LeftHalfOfSha256OfAccessToken()
    {
        var (tokens, _, _) = await SignInAsync();
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(tokens.AccessToken!));
        // OIDC Core 3.1.3.6: base64url of the left-most half of the hash of the access token's ASCII octets.
        Assert.Equal(OidcFlow.Base64Url(hash[..16]), new JsonWebToken(tokens.IdToken).GetClaim("at_hash").Value);
    }

    [Fact]
    public async Task IdToken_AmrAndAcr_PasswordOnly()
    {
        var (tokens, _, _) = await SignInAsync();
        var amr = new JsonWebToken(tokens.IdToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value).ToList();
        Assert.Equal(["pwd"], amr);
        // acr says the same: password only, no MFA level claimed.
        Assert.Equal(Imprivata.Functions.Oidc.OidcClaims.AcrPassword, new JsonWebToken(tokens.IdToken).GetClaim("acr").Value);
    }

    [Fact]
    public async Task IdToken_Kid_IsTheKeyRingsActiveKey()
    {
        var (tokens, _, _) = await SignInAsync();
        var active = await fx.Service.Services.GetRequiredService<ISigningKeyRing>().GetActiveKeyAsync(CancellationToken.None);
        Assert.Equal(active.KeyId, new JsonWebToken(tokens.IdToken).Kid);
    }

    [Fact]
    public async Task IdToken_WithoutNonceInRequest_HasNoNonce()
    {
        var (tokens, _, _) = await SignInAsync(fx.NewRequest().With("nonce", null));
        Assert.False(new JsonWebToken(tokens.IdToken).TryGetClaim("nonce", out _));
    }

    [Fact]
    public async Task IdToken_AfterRefresh_KeepsSubjectAndAuthTime()
    {
        var (tokens, _, user) = await SignInAsync();
        using var browser = fx.NewBrowser();
        var refreshed = await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.ClientId, fx.Secret);
        var first = new JsonWebToken(tokens.IdToken);
        var second = new JsonWebToken(refreshed.IdToken);
        Assert.Equal(user.Id, second.Subject);
        Assert.Equal(first.GetClaim("auth_time").Value, second.GetClaim("auth_time").Value);
    }
}
