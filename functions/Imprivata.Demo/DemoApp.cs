using Imprivata.Demo.Lan;
using Imprivata.Demo.Sample;
using Imprivata.Demo.Seed;
using Imprivata.Functions;
using Imprivata.Functions.Hosting;

namespace Imprivata.Demo;

/// <summary>
/// The local demo that run.sh starts: the service exactly as <see cref="ServiceApp"/> builds it for the package, plus what
/// only a newcomer's machine needs: the seed (break-glass administrator, demo user, demo app), the sample relying party at
/// /sample and the LAN mode for a phone. Standalone only. The settings under Imprivata:Demo are read here and nowhere else.
/// </summary>
public static class DemoApp
{
    public const string SeedKey = "Imprivata:Demo:Seed";
    /// <summary>Where the demo keeps its state (demo.json, public-url, the LAN certificates); default ".data".</summary>
    public const string FolderKey = "Imprivata:Demo:Folder";

    /// <param name="configure">Lets tests override settings, as <see cref="ServiceApp.Build"/>'s does; applied before the demo reads them.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var app = ServiceApp.Build(args, builder =>
        {
            configure?.Invoke(builder);
            AddDemo(builder);
        });
        // After the service's own endpoints: routing does not depend on the order, and the service's pipeline stays as packaged.
        app.MapSample();
        app.MapLanDemo();
        return app;
    }

    public static string Folder(IConfiguration configuration) => configuration[FolderKey] ?? ".data";

    /// <summary>Runs inside ServiceApp's configure hook: after the caller's settings, before the hosting layer chooses where to listen.</summary>
    private static void AddDemo(WebApplicationBuilder builder)
    {
        // ServiceApp detects the mode from the same configuration right after this hook, so both see the same mode.
        var mode = HostingMode.Detect(builder.Configuration);
        if (mode.IsCustomHandler)
            throw new InvalidOperationException("The demo runs standalone only, and FUNCTIONS_CUSTOMHANDLER_PORT is set: in Azure the packaged Imprivata.Functions runs.");
        builder.AddLanDemo(mode);
        builder.AddSample();
        builder.Services.AddHostedService<DemoSeed>();
    }
}
