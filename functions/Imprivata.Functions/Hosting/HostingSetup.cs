using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Hosting;

public static class HostingSetup
{
    /// <summary>
    /// Both modes listen on loopback only. Standalone: http://localhost:7071, which Kestrel binds on 127.0.0.1 and ::1 only,
    /// so that the default public URL (http://localhost:7071) is an origin browsers accept for WebAuthn (they refuse IP
    /// addresses as relying-party ids) and reach over either loopback. Custom handler: 127.0.0.1 on the port the Functions
    /// host gives, where the host connects.
    /// </summary>
    public static void AddHosting(this WebApplicationBuilder builder, HostingMode mode)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(mode.IsStandalone ? $"http://localhost:{mode.Port}" : $"http://127.0.0.1:{mode.Port}");

        var services = builder.Services;
        services.Configure<HostingOptions>(builder.Configuration.GetSection(HostingOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FunctionRegistry>();
        services.AddSingleton<FunctionInvoker>();
        services.AddSingleton<ReadinessProbe>();
        services.AddFunctionHandler<PurgeExpiredFunction>();

        if (mode.IsStandalone)
        {
            services.AddSingleton(sp => FunctionCatalog.Load(sp.GetRequiredService<IOptions<HostingOptions>>().Value.ResolveFunctionAppPath()));
            services.AddHostedService<FunctionPump>();
            services.AddSingleton<IQueueMessageSource, StorageQueueMessageSource>();
        }
    }

    /// <summary>Registers the handler of a non-HTTP function (its name must match a FunctionApp/&lt;Name&gt; folder).</summary>
    public static IServiceCollection AddFunctionHandler<THandler>(this IServiceCollection services) where THandler : class, IFunctionHandler
    {
        services.AddSingleton<IFunctionHandler, THandler>();
        return services;
    }

    public static void UseHosting(this WebApplication app, HostingMode mode)
    {
        app.MapHealth();
        app.MapEmbeddedAssets();
        // Only the Functions host invokes non-HTTP functions over HTTP; standalone, the pump calls them in-process.
        if (mode.IsCustomHandler)
            app.MapFunctionInvocations();
    }
}
