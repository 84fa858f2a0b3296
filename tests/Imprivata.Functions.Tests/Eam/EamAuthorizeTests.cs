using System.Net;
using Imprivata.Core.Audit;
using Imprivata.Core.Eam;
using Imprivata.Core.Sessions;

namespace Imprivata.Functions.Tests.Eam;

/// <summary>
/// Entra's external authentication method end to end over HTTP: Entra's form POST with a hint from the loopback Entra, the
/// second factor with the user's authenticator app, and the id_token posted back (the good cases), and the requests that
/// must end on an error page with nothing posted.
/// </summary>
[Collection(EamCollection.Name)]
public sealed class EamAuthorizeTests(EamFixture fx)
{
    [Theory]
    [InlineData("public")]
    [InlineData("usgov")]
    [InlineData("china")]
    public async Task ValidExpiredByDesignHint_TotpCompleted_PostsIdTokenWithOneOtpAmrAndTheRequestedAcr(string cloudName)
    {
        var cloud = EntraCloud.ByName(cloudName)!;
        var user = await fx.NewUserAsync();
        var claims = fx.HintClaims(user, cloud);
        var request = EamFixture.Request(fx.Entra.Mint(cloud, claims), cloud);
        using var browser = fx.NewBrowser();

        var answer = await fx.CompleteTotpAsync(browser, await browser.PostFormAsync("/eam/authorize", request), user);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(cloud.RedirectUri, answer.Action);
        Assert.Null(answer.Error);
        Assert.Equal("entra-state-1", answer.State);
        Assert.Equal(["id_token", "state"], answer.Fields.Keys.Order());
        var token = await fx.ValidateIdTokenAsync(answer.IdToken!);
        Assert.Equal(fx.Issuer, token.Issuer);
        Assert.Equal([EamFixture.ClientId], token.Audiences);
        Assert.Equal(request["nonce"], token.GetPayloadValue<string>("nonce"));
        Assert.Equal(claims["sub"], token.Subject);
        Assert.Equal(EamFixture.Acr, token.GetPayloadValue<string>("acr"));
        Assert.Equal(["otp"], token.GetPayloadValue<string[]>("amr"));
        Assert.Equal("RS256", token.Alg);
        Assert.Contains("\"amr\":[\"otp\"]", System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(token.EncodedPayload)));
    }

    [Fact]
    public async Task SecondFactorDone_StartsAnSsoSessionMarkedAsFullMfa()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        await fx.CompleteTotpAsync(browser, await browser.PostFormAsync("/eam/authorize", EamFixture.Request(fx.Entra.Mint(EntraCloud.Public, fx.HintClaims(user)))), user);

        var session = await fx.Get<ISsoSessionStore>().FindAsync(browser.CookieValue("imp-sso")!, CancellationToken.None);
        Assert.NotNull(session);
        Assert.Equal(user.User.Id, session.UserId);
        Assert.Equal(["otp", "mfa"], session.Amr);
    }

    [Fact]
    public async Task NoStateSent_NoStateReturned()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = EamFixture.Request(fx.Entra.Mint(EntraCloud.Public, fx.HintClaims(user)), state: null);

        var answer = await fx.CompleteTotpAsync(browser, await browser.PostFormAsync("/eam/authorize", request), user);

        Assert.NotNull(answer.IdToken);
        Assert.Equal(["id_token"], answer.Fields.Keys);
    }

    [Fact]
    public async Task UnknownExtraParameters_AreIgnored()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = EamFixture.Request(fx.Entra.Mint(EntraCloud.Public, fx.HintClaims(user)));
        request["login_hint"] = "someone@contoso.example";
        request["x-future-parameter"] = "whatever";
        request["prompt"] = "login";

        var answer = await fx.CompleteTotpAsync(browser, await browser.PostFormAsync("/eam/authorize", request), user);

        Assert.NotNull(answer.IdToken);
    }

    [Fact]
    public async Task UnlinkedUser_WithUsernameMatchAllowed_IsLinkedAndCompletes()
    {
        var user = await fx.NewUserAsync(link: false);
        var claims = fx.HintClaims(user);
        claims["preferred_username"] = user.User.Username;
        using var browser = fx.NewBrowser();

        var answer = await fx.CompleteTotpAsync(browser, await browser.PostFormAsync("/eam/authorize",
            EamFixture.Request(fx.Entra.Mint(EntraCloud.Public, claims), clientId: EamFixture.PublicOnlyClientId)), user);

        Assert.NotNull(answer.IdToken);
        Assert.Equal(user.User.Id, await fx.Get<IEntraUserLinkStore>().FindUserIdAsync(EamFixture.TenantId, user.ObjectId, CancellationToken.None));
    }

    public static TheoryData<string, string> BadRedirects => new()
    {
        { "http", "http://login.microsoftonline.com/common/federation/externalauthprovider" },
        { "trailing slash", "https://login.microsoftonline.com/common/federation/externalauthprovider/" },
        { "other case", "https://login.microsoftonline.com/common/federation/ExternalAuthProvider" },
        { "other host", "https://login.microsoftonline.com.evil.example/common/federation/externalauthprovider" },
        { "query", "https://login.microsoftonline.com/common/federation/externalauthprovider?x=1" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(BadRedirects))]
    public async Task RedirectUriNotExactlyEntras_ErrorPage_NothingPosted(string why, string redirectUri)
    {
        var user = await fx.NewUserAsync();
        var request = EamFixture.Request(fx.Entra.Mint(EntraCloud.Public, fx.HintClaims(user)));
        request["redirect_uri"] = redirectUri;

        await AssertErrorPageAsync(request, why);
    }

    [Fact]
    public async Task RedirectUriOfACloudTheProfileDoesNotAllow_ErrorPage_NothingPosted()
    {
        var user = await fx.NewUserAsync();
        var request = EamFixture.Request(fx.Entra.Mint(EntraCloud.UsGovernment, fx.HintClaims(user, EntraCloud.UsGovernment)), EntraCloud.UsGovernment,
            clientId: EamFixture.PublicOnlyClientId);

        await AssertErrorPageAsync(request, "wrong cloud");
    }

    [Theory]
    [InlineData("response_type", "code")]
    [InlineData("response_type", "id_token token")]
    [InlineData("response_mode", "fragment")]
    [InlineData("response_mode", "query")]
    [InlineData("client_id", "unknown-client")]
    [InlineData("scope", "profile")]
    public async Task RequestThisProviderDoesNotServe_ErrorPage_NothingPosted(string parameter, string value)
    {
        var user = await fx.NewUserAsync();
        var request = EamFixture.Request(fx.Entra.Mint(EntraCloud.Public, fx.HintClaims(user)));
        request[parameter] = value;

        await AssertErrorPageAsync(request, parameter + "=" + value);
    }

    [Fact]
    public async Task Get_ErrorPage_NothingPosted()
    {
        var user = await fx.NewUserAsync();
        var request = EamFixture.Request(fx.Entra.Mint(EntraCloud.Public, fx.HintClaims(user)));
        using var browser = fx.NewBrowser();

        var response = await browser.GetAsync(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/eam/authorize",
            request.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value))));

        AssertNothingPosted(FormPost.Parse(response), "GET");
    }

    private async Task AssertErrorPageAsync(Dictionary<string, string> request, string why)
    {
        using var browser = fx.NewBrowser();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var answer = FormPost.Parse(await browser.PostFormAsync("/eam/authorize", request));
        AssertNothingPosted(answer, why);
        Assert.Contains(await AuditKindsSinceAsync(before), e => e.Kind == AuditKinds.EamRequest && e.Result == AuditResults.Failure);
    }

    private static void AssertNothingPosted(FormPost answer, string why)
    {
        Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{why}: expected the error page, got {answer.Status}");
        Assert.Null(answer.Action);
        Assert.Empty(answer.Fields);
        Assert.DoesNotContain("access_denied", answer.Html);
    }

    private async Task<List<AuditEvent>> AuditKindsSinceAsync(DateTimeOffset from)
    {
        var events = new List<AuditEvent>();
        await foreach (var e in fx.Get<IAuditLog>().QueryAsync(from, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            events.Add(e);
        return events;
    }
}

[CollectionDefinition(Name)]
public sealed class EamCollection : ICollectionFixture<EamFixture>
{
    public const string Name = "eam";
}
