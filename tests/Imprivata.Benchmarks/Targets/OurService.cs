using Imprivata.Benchmarks.Driver;
using Imprivata.Benchmarks.Profiling;
using Imprivata.Storage.Tables;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Benchmarks.Targets;

/// <summary>Our service in this process (as the tests start it), persisting to Azurite, with one app and one user.</summary>
public sealed class OurService : IAsyncDisposable
{
    private readonly TestService _service;

    private OurService(TestService service, OidcTarget target, string tablePrefix)
    {
        _service = service;
        Target = target;
        TablePrefix = tablePrefix;
    }

    public OidcTarget Target { get; }
    public string TablePrefix { get; }
    public IServiceProvider Services => _service.Services;

    public static async Task<OurService> StartAsync(Uri redirectUri, string username, string password)
    {
        // The breakdown middleware only records while ServerBreakdown is switched on (after the measured phases).
        var service = await TestService.StartAsync(configure: builder => builder.Services.AddSingleton<IStartupFilter, ServerBreakdown.StartupFilter>());
        await service.AddUserAsync(username, password);
        var secret = await service.AddOidcAppAsync("bench-client", [redirectUri], displayName: "Benchmark");
        var prefix = service.Services.GetRequiredService<TableStorageOptions>().TablePrefix;
        return new OurService(service, new OidcTarget("ours", new Uri(service.Issuer), "bench-client", secret, redirectUri, username, password), prefix);
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
