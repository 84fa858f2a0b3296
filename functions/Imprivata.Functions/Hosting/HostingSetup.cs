using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Hosting;

public static class HostingSetup
{
    /// <summary>Both modes listen on loopback only: standalone on 7071, custom handler on the port the Functions host gives.</summary>
    public static void AddHosting(this WebApplicationBuilder builder, HostingMode mode)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls($"http://127.0.0.1:{mode.Port}");

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
        // Only the Functions host invokes non-HTTP functions over HTTP; standalone, the pump calls them in-process.
        if (mode.IsCustomHandler)
            app.MapFunctionInvocations();
    }
}
