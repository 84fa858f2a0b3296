using System.Net;
using System.Security.Cryptography;
using Imprivata.Core.Audit;
using Imprivata.Core.Eam;
using Microsoft.IdentityModel.Tokens;

namespace Imprivata.Functions.Tests.Eam;

/// <summary>
/// Requests whose redirect URI is Entra's own but whose hint, claims or use is wrong: access_denied posted back to Entra
/// (with state), no second factor started, and the refusal audited.
/// </summary>
[Collection(EamCollection.Name)]
public sealed class EamHintTests(EamFixture fx)
{
    private static readonly EntraCloud Public = EntraCloud.Public;

    /// <summary>Each broken rule, the audit reason it must be refused with, and the validator's finding.</summary>
    public static TheoryData<string, string, string> BadHints => new()
    {
        { "alg none", "hint_invalid", "SecurityTokenInvalidSignatureException" },
        { "HS256 with Entra's public key", "hint_invalid", "SecurityTokenInvalidSignatureException" },
        { "unknown kid", "hint_invalid", "SecurityTokenSignatureKeyNotFoundException" },
        { "tampered signature", "hint_invalid", "SecurityTokenInvalidSignatureException" },
        { "iss tenant is not tid", "hint_invalid", "SecurityTokenInvalidIssuerException" },
        { "v1 issuer sts.windows.net", "hint_invalid", "SecurityTokenInvalidIssuerException" },
        { "signing key bound to another tenant", "hint_invalid", "SecurityTokenInvalidIssuerException" },
        { "tid not allowed", "tenant_not_allowed", EamFixture.OtherTenantId },
        { "tid not a GUID", "tenant_not_allowed", "contoso" },
        { "wrong aud", "hint_invalid", "SecurityTokenInvalidAudienceException" },
        { "iat an hour old", "hint_stale", "iat" },
        { "iat in the future", "hint_stale", "iat" },
        { "no iat", "hint_claims_missing", "" },
        { "missing oid", "hint_claims_missing", "" },
        { "missing sub", "hint_claims_missing", "" },
        { "missing tid", "hint_invalid", "SecurityTokenInvalidIssuerException" },
        { "attacker's key and issuer", "hint_invalid", "SecurityTokenInvalidIssuerException" },
        { "attacker's key under Entra's kid", "hint_invalid", "SecurityTokenInvalidSignatureException" },
        { "another cloud's key", "hint_invalid", "SecurityTokenSignatureKeyNotFoundException" },
        { "ver 1.0", "hint_invalid", "ver 1.0" },
        { "not a JWT", "hint_invalid", "SecurityTokenMalformedException" },
        { "missing", "hint_invalid", "missing" },
    };

    [Theory]
    [MemberData(nameof(BadHints))]
    public async Task BadHint_AccessDeniedPosted_NoSecondFactor(string why, string reason, string finding)
    {
        var user = await fx.NewUserAsync();
        var claims = fx.HintClaims(user);
        var hint = Hint(why, claims);
        var request = EamFixture.Request(hint);
        if (hint.Length == 0)
            request.Remove("id_token_hint");

        var denied = await AssertDeniedAsync(request, why);

        Assert.Equal(reason, denied.Reason);
        Assert.Contains(finding, denied.Detail ?? "");
    }

    private string Hint(string why, Dictionary<string, object> claims)
    {
        var kid = EntraTestAuthority.KeyIdOf(Public);
        switch (why)
        {
            case "alg none":
                return EntraTestAuthority.Unsigned(claims, kid);
            case "HS256 with Entra's public key":
                return fx.Entra.Hs256WithPublicKey(Public, claims);
            case "unknown kid":
                return fx.Entra.Mint(Public, claims, kid: "no-such-key");
            case "tampered signature":
            {
                var parts = fx.Entra.Mint(Public, claims).Split('.');
                var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
                signature[10] ^= 0x01;
                return parts[0] + "." + parts[1] + "." + Base64UrlEncoder.Encode(signature);
            }
            case "iss tenant is not tid":
                claims["iss"] = Public.IssuerOf(EamFixture.OtherTenantId);
                break;
            case "signing key bound to another tenant":
                return fx.Entra.MintWithTenantBoundKey(claims);
            case "v1 issuer sts.windows.net":
                claims["iss"] = $"https://sts.windows.net/{EamFixture.TenantId}/";
                claims["ver"] = "1.0";
                break;
            case "tid not allowed":
                claims["tid"] = EamFixture.OtherTenantId;
                claims["iss"] = Public.IssuerOf(EamFixture.OtherTenantId);
                break;
            case "tid not a GUID":
                claims["tid"] = "contoso";
                claims["iss"] = Public.IssuerOf("contoso");
                break;
            case "wrong aud":
                claims["aud"] = Guid.NewGuid().ToString("D");
                break;
            case "iat an hour old":
                claims["iat"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
                break;
            case "iat in the future":
                claims["iat"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
                break;
            case "no iat":
                claims.Remove("iat");
                break;
            case "missing oid":
                claims.Remove("oid");
                break;
            case "missing sub":
                claims.Remove("sub");
                break;
            case "missing tid":
                claims.Remove("tid");
                break;
            case "attacker's key and issuer":
            {
                // The attacker's token names its own issuer (whose metadata would list its key): we never look there.
                using var attacker = RSA.Create(2048);
                claims["iss"] = $"https://attacker.example/{EamFixture.TenantId}/v2.0";
                return EntraTestAuthority.SignRs256(claims, attacker, "attacker-key");
            }
            case "attacker's key under Entra's kid":
            {
                using var attacker = RSA.Create(2048);
                return EntraTestAuthority.SignRs256(claims, attacker, kid);
            }
            case "another cloud's key":
                // Signed by the US Government cloud's key while the request comes back to the public cloud.
                return fx.Entra.Mint(EntraCloud.UsGovernment, claims);
            case "ver 1.0":
                claims["ver"] = "1.0";
                break;
            case "not a JWT":
                return "not-a-token";
            case "missing":
                return "";
        }
        return fx.Entra.Mint(Public, claims);
    }

    [Theory]
    [InlineData("missing", null)]
    [InlineData("malformed", "{\"id_token\":{\"acr\":")]
    [InlineData("not an object", "[\"otp\"]")]
    [InlineData("only unsatisfiable acr", """{"id_token":{"acr":{"essential":true,"values":["knowledge"]},"amr":{"essential":true,"values":["otp","sms","fido"]}}}""")]
    [InlineData("only inherence acr", """{"id_token":{"acr":{"essential":true,"values":["inherence"]},"amr":{"essential":true,"values":["otp","face"]}}}""")]
    [InlineData("no amr our factors give", """{"id_token":{"acr":{"essential":true,"values":["possessionorinherence"]},"amr":{"essential":true,"values":["face","sc"]}}}""")]
    [InlineData("no acr", """{"id_token":{"amr":{"essential":true,"values":["otp"]}}}""")]
    public async Task ClaimsNothingWeDoCanSatisfy_AccessDeniedPosted(string why, string? claims)
    {
        var user = await fx.NewUserAsync();
        var request = EamFixture.Request(fx.Entra.Mint(Public, fx.HintClaims(user)));
        if (claims is null)
            request.Remove("claims");
        else
            request["claims"] = claims;

        Assert.Equal("claims_unsatisfiable", (await AssertDeniedAsync(request, why)).Reason);
    }

    [Fact]
    public async Task UnknownEntraUser_AccessDenied_NeverEnrollment()
    {
        var user = await fx.NewUserAsync(link: false);
        Assert.Equal(AuditReasons.UnknownUser, (await AssertDeniedAsync(EamFixture.Request(fx.Entra.Mint(Public, fx.HintClaims(user))), "no link")).Reason);
    }

    [Fact]
    public async Task UsernameMatchNotAllowedByProfile_AccessDenied()
    {
        var user = await fx.NewUserAsync(link: false);
        var claims = fx.HintClaims(user);
        claims["preferred_username"] = user.User.Username;
        Assert.Equal(AuditReasons.UnknownUser, (await AssertDeniedAsync(EamFixture.Request(fx.Entra.Mint(Public, claims)), "username match off")).Reason);
    }

    [Fact]
    public async Task SameRequestReplayed_SecondIsAccessDenied()
    {
        var user = await fx.NewUserAsync();
        var request = EamFixture.Request(fx.Entra.Mint(Public, fx.HintClaims(user)));
        using var first = fx.NewBrowser();
        var accepted = await first.PostFormAsync("/eam/authorize", request);
        Assert.Equal(HttpStatusCode.SeeOther, accepted.StatusCode);

        Assert.Equal("replayed", (await AssertDeniedAsync(request, "replayed nonce + hint")).Reason);
    }

    [Fact]
    public async Task SecondFactorCompletedByAnotherUser_AccessDeniedForTheHintsRequest()
    {
        var alice = await fx.NewUserAsync();
        var bob = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        // Alice's request begins; then, in the same browser, Bob's request replaces the pending login and Bob completes his factor.
        var aliceRequest = await browser.PostFormAsync("/eam/authorize", EamFixture.Request(fx.Entra.Mint(Public, fx.HintClaims(alice)), state: "alice"));
        Assert.Equal(HttpStatusCode.SeeOther, aliceRequest.StatusCode);
        var aliceComplete = await PendingReturnUrlAsync(browser);
        var bobAnswer = await fx.CompleteTotpAsync(browser,
            await browser.PostFormAsync("/eam/authorize", EamFixture.Request(fx.Entra.Mint(Public, fx.HintClaims(bob)), state: "bob")), bob);
        Assert.NotNull(bobAnswer.IdToken);

        var answer = FormPost.Parse(await browser.GetAsync(aliceComplete));

        Assert.Equal("access_denied", answer.Error);
        Assert.Equal("alice", answer.State);
        Assert.Null(answer.IdToken);
    }

    [Fact]
    public async Task AnswerFetchedTwice_SecondIsAnErrorPage()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var authorized = await browser.PostFormAsync("/eam/authorize", EamFixture.Request(fx.Entra.Mint(Public, fx.HintClaims(user))));
        var complete = await PendingReturnUrlAsync(browser);
        Assert.NotNull((await fx.CompleteTotpAsync(browser, authorized, user)).IdToken);

        var again = FormPost.Parse(await browser.GetAsync(complete));

        Assert.Null(again.Action);
        Assert.Null(again.IdToken);
    }

    /// <summary>Where this browser's pending login returns when done (the request's completion URL), read from its stored row.</summary>
    private async Task<string> PendingReturnUrlAsync(Oidc.OidcFlow browser)
    {
        var pending = await fx.Get<Imprivata.Core.Sessions.IPendingLoginStore>().FindAsync(browser.CookieValue("imp-mfa")!, CancellationToken.None);
        return pending!.ReturnUrl!;
    }

    private async Task<AuditEvent> AssertDeniedAsync(Dictionary<string, string> request, string why)
    {
        using var browser = fx.NewBrowser();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var response = await browser.PostFormAsync("/eam/authorize", request);
        var answer = FormPost.Parse(response);

        Assert.True(answer.Status == HttpStatusCode.OK, $"{why}: expected a form post, got {answer.Status} {answer.Html}");
        Assert.Equal(request["redirect_uri"], answer.Action);
        Assert.Equal("access_denied", answer.Error);
        Assert.Equal(request.GetValueOrDefault("state"), answer.State);
        Assert.Null(answer.IdToken);
        Assert.Null(browser.CookieValue("imp-mfa"));
        var audited = new List<AuditEvent>();
        await foreach (var e in fx.Get<IAuditLog>().QueryAsync(before, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            audited.Add(e);
        // Newest first: this collection's tests run one at a time, so the newest refusal is this request's.
        var denied = audited.First(e => e.Kind == AuditKinds.EamAuthorize);
        Assert.Equal(AuditResults.Failure, denied.Result);
        return denied;
    }
}
