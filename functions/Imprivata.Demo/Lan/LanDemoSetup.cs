using Imprivata.Functions.Hosting;

namespace Imprivata.Demo.Lan;

/// <summary><c>./run.sh --lan</c> (see <see cref="LanDemo"/>).</summary>
public static class LanDemoSetup
{
    /// <summary>Called before the hosting layer chooses where to listen.</summary>
    public static void AddLanDemo(this WebApplicationBuilder builder, HostingMode mode) => LanDemo.Configure(builder, mode);

    public static void MapLanDemo(this WebApplication app)
    {
        if (app.Services.GetService<LanDemo>() is { } lan)
            app.MapGet(LanDemo.AuthorityPath, () => Results.File(lan.AuthorityCertificate, "application/x-x509-ca-cert", "imprivata-demo-ca.crt"));
    }
}
