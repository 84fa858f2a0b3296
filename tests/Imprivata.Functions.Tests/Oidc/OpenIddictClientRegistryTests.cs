using System.Net;
using Imprivata.Functions.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// The per-app PKCE requirement (RFC 7636; RFC 9700 2.1.1): an app that requires it (the default, and every app registered
/// before the setting existed) is refused without a code_challenge; an app whose administrator turned it off gets a code
/// without one and redeems it with its secret alone. S256 stays the only method either way.
/// </summary>
public sealed class OpenIddictClientRegistryTests(OidcFixture fx) : IClassFixture<OidcFixture>, IAsyncLifetime
{
    private const string SecretOnly = "secret-only-app";
    private static readonly Uri SecretOnlyRedirect = new("https://legacy.example/cb");
    private string _secretOnlySecret = "";

    private IOidcClientRegistry Registry => fx.Service.Services.GetRequiredService<IOidcClientRegistry>();

    public async Task InitializeAsync()
    {
        if (await Registry.FindAsync(SecretOnly, default) is null)
            _secretOnlySecret = await fx.Service.AddOidcAppAsync(SecretOnly, [SecretOnlyRedirect], requirePkce: false);
        else
            _secretOnlySecret = await Registry.RegenerateSecretAsync(SecretOnly, default);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The error of an authorization response: on a redirect to the client, or on the service's own error page. Never a code.</summary>
    private static async Task<string?> ErrorOfAsync(HttpResponseMessage response)
    {
        if (response.Headers.Location is not { } location)
            return await AuthorizeEndpointTests.AssertErrorPageAsync(response);
        var answer = OidcFlow.ResponseAt(location.OriginalString);
        Assert.Null(answer.Code);
        return answer.Error;
    }

    private static AuthorizeRequest WithoutPkce(AuthorizeRequest request) => request.With("code_challenge", null).With("code_challenge_method", null);

    [Fact]
    public async Task PkceOff_CodeWithoutChallenge_RedeemedWithTheSecretAlone()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = WithoutPkce(OidcFlow.NewRequest(SecretOnly, SecretOnlyRedirect));

        var code = await browser.GetCodeAsync(request, user.Username, OidcFixture.Password);
        var tokens = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = request.RedirectUri,
            ["client_id"] = SecretOnly, ["client_secret"] = _secretOnlySecret,
        });

        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.NotNull(tokens.IdToken);
    }

    [Fact]
    public async Task PkceOff_CodeWithoutChallenge_StillNeedsTheSecret()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = WithoutPkce(OidcFlow.NewRequest(SecretOnly, SecretOnlyRedirect));
        var code = await browser.GetCodeAsync(request, user.Username, OidcFixture.Password);

        var tokens = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = request.RedirectUri,
            ["client_id"] = SecretOnly, ["client_secret"] = "not-the-secret",
        });

        Assert.Equal("invalid_client", tokens.Error);
    }

    [Fact]
    public async Task PkceOff_CodeIssuedForAChallenge_IsNotRedeemedWithoutItsVerifier()
    {
        // An app may still send PKCE when it is optional; the code is then bound to the challenge like any other.
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = OidcFlow.NewRequest(SecretOnly, SecretOnlyRedirect);
        var code = await browser.GetCodeAsync(request, user.Username, OidcFixture.Password);

        var tokens = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = request.RedirectUri,
            ["client_id"] = SecretOnly, ["client_secret"] = _secretOnlySecret,
        });

        Assert.Equal("invalid_grant", tokens.Error);
    }

    [Fact]
    public async Task PkceOff_PlainMethod_StillRefused()
    {
        using var browser = fx.NewBrowser();
        var request = OidcFlow.NewRequest(SecretOnly, SecretOnlyRedirect);

        var response = await browser.AuthorizeAsync(request.With("code_challenge_method", "plain").With("code_challenge", request.Verifier));

        Assert.Equal("invalid_request", await ErrorOfAsync(response));
    }

    [Fact]
    public async Task PkceOn_RequestWithoutChallenge_RefusedWithInvalidRequest()
    {
        using var browser = fx.NewBrowser();

        var response = await browser.AuthorizeAsync(WithoutPkce(fx.NewRequest()));

        Assert.Equal("invalid_request", await ErrorOfAsync(response));
    }

    [Fact]
    public async Task FindAsync_ReportsTheRequirement_AndAppsRegisteredWithoutTheSettingRequireIt()
    {
        var secretOnly = await Registry.FindAsync(SecretOnly, default);
        var registeredBefore = await Registry.FindAsync(OidcFixture.ClientId, default); // through the overload without the setting

        Assert.False(secretOnly!.RequirePkce);
        Assert.True(registeredBefore!.RequirePkce);
    }

    [Fact]
    public async Task UpdateAsync_TurnsTheRequirementOnAndOff()
    {
        const string clientId = "toggled-app";
        await fx.Service.AddOidcAppAsync(clientId, [new Uri("https://toggled.example/cb")]);

        await Registry.UpdateAsync(clientId, "Toggled", [new Uri("https://toggled.example/cb")], [], requirePkce: false, default);
        var off = (await Registry.FindAsync(clientId, default))!.RequirePkce;
        await Registry.UpdateAsync(clientId, "Toggled", [new Uri("https://toggled.example/cb")], [], requirePkce: true, default);
        var on = (await Registry.FindAsync(clientId, default))!.RequirePkce;

        Assert.False(off);
        Assert.True(on);
    }
}
