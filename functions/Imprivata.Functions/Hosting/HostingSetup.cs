namespace Imprivata.Functions.Hosting;

public static class HostingSetup
{
    /// <summary>Both modes listen on loopback only: standalone on 7071, custom handler on the port the Functions host gives.</summary>
    public static void AddHosting(this WebApplicationBuilder builder, HostingMode mode)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls($"http://127.0.0.1:{mode.Port}");
    }

    public static void UseHosting(this WebApplication app, HostingMode mode)
    {
    }
}
