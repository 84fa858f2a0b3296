using Imprivata.Demo.Lan;

namespace Imprivata.Demo.Sample;

/// <summary>
/// A small relying party of the demo, so a newcomer can click "Sign in" and see what the ID token says. It speaks to the
/// provider over HTTP like any other app (code flow, PKCE, client secret, JWKS validation).
/// </summary>
public static class SampleSetup
{
    public const string Path = "/sample";

    public static void AddSample(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SampleClient>();
        // On the LAN the provider's certificate is the demo's own: the sample trusts that authority (and only it) for its calls.
        builder.Services.AddHttpClient(nameof(SampleRelyingParty))
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetService<LanDemo>()?.TrustingHandler() ?? new SocketsHttpHandler());
        builder.Services.AddSingleton<SampleRelyingParty>();
    }

    public static void MapSample(this WebApplication app)
    {
        app.MapGet(Path, (SampleRelyingParty rp, HttpContext http) => rp.Home(http));
        app.MapGet(Path + "/signin", (SampleRelyingParty rp, HttpContext http) => rp.SignIn(http));
        app.MapGet(Path + "/callback", (SampleRelyingParty rp, HttpContext http) => rp.CallbackAsync(http));
        app.MapGet(Path + "/signout", (SampleRelyingParty rp, HttpContext http) => rp.SignOut(http));
    }
}
