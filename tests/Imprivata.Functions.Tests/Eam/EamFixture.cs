using System.Net;
using System.Text.RegularExpressions;
using Imprivata.Core.Eam;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OtpNet;

namespace Imprivata.Functions.Tests.Eam;

/// <summary>A directory user linked to an Entra user (tenant, object id) with an authenticator app enrolled.</summary>
public sealed record EamUser(DirectoryUser User, string ObjectId, byte[] Seed);

/// <summary>
/// The real service with its Entra clouds pointed at a loopback <see cref="EntraTestAuthority"/>, one EAM profile for all
/// three clouds, one for the public cloud only, and the Second factor only workflow live with the usual factors.
/// </summary>
public sealed class EamFixture : IAsyncLifetime
{
    public const string TenantId = "0b5e1a4c-7a43-4f5e-9d3e-1f2a3b4c5d6e";
    public const string OtherTenantId = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    public const string AppId = "4d3c2b1a-0f9e-4d8c-b7a6-95847362514f";
    public const string ClientId = "eam-all-clouds";
    public const string PublicOnlyClientId = "eam-public-only";
    public const string Acr = "possessionorinherence";
    public const string StandardClaims =
        """{"id_token":{"acr":{"essential":true,"values":["possessionorinherence"]},"amr":{"essential":true,"values":["face","fido","fpt","hwk","iris","otp","pop","retina","sc","sms","swk","tel","vbm"]}}}""";

    private int _users;

    public EntraTestAuthority Entra { get; } = new();
    public TestService Service { get; private set; } = null!;
    public string Issuer => Service.BaseUri.ToString().TrimEnd('/') + "/eam";

    public T Get<T>() where T : notnull => Service.Services.GetRequiredService<T>();

    public async Task InitializeAsync()
    {
        Service = await TestService.StartAsync(Entra.Settings);
        var profiles = Get<IEamProfileStore>();
        await profiles.SaveAsync(new EamProfile
        {
            ClientId = ClientId,
            AdminName = "Entra (all clouds)",
            DisplayName = "Contoso sign-in",
            TenantIds = [TenantId],
            RedirectUris = [.. EntraCloud.All.Select(c => c.RedirectUri)],
            AppId = AppId,
        }, CancellationToken.None);
        await profiles.SaveAsync(new EamProfile
        {
            ClientId = PublicOnlyClientId,
            AdminName = "Entra (public)",
            DisplayName = "Contoso sign-in",
            TenantIds = [TenantId],
            RedirectUris = [EntraCloud.Public.RedirectUri],
            AppId = AppId,
            MatchByUsername = true,
        }, CancellationToken.None);
        await Get<IPolicyStore>().SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            SecondFactorOnly = new Workflow { SecondFactors = [Factor.OtpToken, Factor.Push, Factor.Sms, Factor.WebAuthn], UserPolicyIds = [UserPolicy.DefaultId] },
        }, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        Entra.Dispose();
    }

    /// <summary>A user with a confirmed authenticator app, linked to a fresh Entra object id in <see cref="TenantId"/>.</summary>
    public async Task<EamUser> NewUserAsync(bool link = true)
    {
        var user = await Service.AddUserAsync("eam" + Interlocked.Increment(ref _users), OidcFixture.Password);
        var enrollment = Get<TotpEnrollment>();
        var start = await enrollment.BeginAsync(user.Id, user.Username, null, CancellationToken.None);
        var seed = Base32Encoding.ToBytes(start.ManualEntryKey);
        var code = OtpCode.Compute(seed, TotpEnrollment.AppParameters, OtpCode.TimeStep(DateTimeOffset.UtcNow, 30));
        Assert.True((await enrollment.ConfirmAsync(user.Id, start.EnrollmentId, code, CancellationToken.None)).Succeeded);
        var objectId = Guid.NewGuid().ToString("D");
        if (link)
            await Get<IEntraUserLinkStore>().LinkAsync(TenantId, objectId, user.Id, CancellationToken.None);
        return new EamUser(user, objectId, seed);
    }

    public Dictionary<string, object> HintClaims(EamUser user, EntraCloud? cloud = null) =>
        EntraTestAuthority.HintClaims(cloud ?? EntraCloud.Public, TenantId, user.ObjectId, AppId);

    /// <summary>The form Entra posts, for this hint and cloud.</summary>
    public static Dictionary<string, string> Request(string hint, EntraCloud? cloud = null, string clientId = ClientId, string? state = "entra-state-1")
    {
        var form = new Dictionary<string, string>
        {
            ["scope"] = "openid",
            ["response_type"] = "id_token",
            ["response_mode"] = "form_post",
            ["client_id"] = clientId,
            ["redirect_uri"] = (cloud ?? EntraCloud.Public).RedirectUri,
            ["nonce"] = "nonce-" + Guid.NewGuid().ToString("N"),
            ["id_token_hint"] = hint,
            ["claims"] = StandardClaims,
            ["client-request-id"] = Guid.NewGuid().ToString("D"),
        };
        if (state is not null)
            form["state"] = state;
        return form;
    }

    public OidcFlow NewBrowser() => new(Service);

    /// <summary>Completes the second factor with the user's authenticator app and returns the form posted back to Entra.</summary>
    public async Task<FormPost> CompleteTotpAsync(OidcFlow browser, HttpResponseMessage authorized, EamUser user)
    {
        Assert.Equal(HttpStatusCode.SeeOther, authorized.StatusCode);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(authorized));
        var chooser = await browser.GetAsync("/login/mfa");
        var factorPath = OidcFlow.LocationOf(chooser);
        Assert.Equal("/login/mfa/otp", factorPath);
        var page = await browser.GetAsync(factorPath);
        var csrf = OidcFlow.CsrfOf(await page.Content.ReadAsStringAsync());
        var code = OtpCode.Compute(user.Seed, TotpEnrollment.AppParameters, OtpCode.TimeStep(DateTimeOffset.UtcNow, 30) + 1);
        var done = await browser.PostFormAsync(factorPath, new Dictionary<string, string> { ["csrf"] = csrf, ["code"] = code });
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        var complete = OidcFlow.LocationOf(done);
        Assert.StartsWith("/eam/complete/", complete);
        return FormPost.Parse(await browser.GetAsync(complete));
    }

    /// <summary>Validates our id_token the way Entra does: signature by a key of our JWKS (with x5c), RS256, iss, aud, lifetime.</summary>
    public async Task<JsonWebToken> ValidateIdTokenAsync(string idToken, string clientId = ClientId)
    {
        using var http = new HttpClient { BaseAddress = Service.BaseUri };
        var jwks = new JsonWebKeySet(await http.GetStringAsync("/eam/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = clientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            TryAllIssuerSigningKeys = false,
        });
        Assert.True(result.IsValid, "our id_token did not validate: " + result.Exception);
        return (JsonWebToken)result.SecurityToken;
    }
}

/// <summary>An auto-submitting form_post page: where it posts and its fields (or null when the answer was not one).</summary>
public sealed record FormPost(HttpStatusCode Status, string Html, string? Action, IReadOnlyDictionary<string, string> Fields)
{
    public string? Error => Fields.GetValueOrDefault("error");
    public string? IdToken => Fields.GetValueOrDefault("id_token");
    public string? State => Fields.GetValueOrDefault("state");

    public static FormPost Parse(HttpResponseMessage response)
    {
        var html = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        var action = Regex.Match(html, "<form method=\"post\" action=\"([^\"]*)\"");
        var fields = Regex.Matches(html, "<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        return new FormPost(response.StatusCode, html, action.Success ? WebUtility.HtmlDecode(action.Groups[1].Value) : null, fields);
    }
}
