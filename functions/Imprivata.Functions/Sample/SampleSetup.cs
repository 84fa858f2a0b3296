namespace Imprivata.Functions.Sample;

/// <summary>
/// A small relying party served in standalone mode only, so a newcomer can click "Sign in" and see what the ID token says.
/// It speaks to the provider over HTTP like any other app (code flow, PKCE, client secret, JWKS validation).
/// </summary>
public static class SampleSetup
{
    public const string Path = "/sample";

    public static void AddSample(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SampleClient>();
        builder.Services.AddHttpClient(nameof(SampleRelyingParty));
        builder.Services.AddSingleton<SampleRelyingParty>();
        builder.Services.AddHostedService<DemoSeed>();
    }

    public static void MapSample(this WebApplication app)
    {
        app.MapGet(Path, (SampleRelyingParty rp, HttpContext http) => rp.Home(http));
        app.MapGet(Path + "/signin", (SampleRelyingParty rp, HttpContext http) => rp.SignIn(http));
        app.MapGet(Path + "/callback", (SampleRelyingParty rp, HttpContext http) => rp.CallbackAsync(http));
        app.MapGet(Path + "/signout", (SampleRelyingParty rp, HttpContext http) => rp.SignOut(http));
    }
}
