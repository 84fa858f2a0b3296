using System.Diagnostics;
using System.Net;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Imprivata.Core.Telemetry;
using Imprivata.Functions.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Imprivata.Functions.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class TelemetrySetupTests
{
    private const string Secret = "s3cr3t";

    [Fact]
    public async Task WithoutAConnectionString_NothingOfOpenTelemetryIsConfigured_AndTheAppServes()
    {
        await using var svc = await TestService.StartAsync();
        using var http = new HttpClient { BaseAddress = svc.BaseUri };

        using var response = await http.GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(svc.Services.GetService<TracerProvider>());
        Assert.Null(svc.Services.GetService<MeterProvider>());
        Assert.NotNull(svc.Services.GetService<SecurityMetrics>());
    }

    [Fact]
    public async Task WithAConnectionString_TheDistroExportsThere_WithTheManagedIdentityTheAuthenticationStringNames_AndQueryRedactionOn()
    {
        const string connection = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://127.0.0.1:9/";
        // Built, never started: starting would run the distro's resource detectors, which ask the instance metadata endpoint.
        await using var app = ServiceApp.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetrySetup.ConnectionStringSetting] = connection,
            [TelemetrySetup.AuthenticationStringSetting] = "ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD",
            // What the distro does when nothing says otherwise; the app must win.
            [TelemetrySetup.AspNetCoreQueryRedactionOff] = "true",
            [TelemetrySetup.HttpClientQueryRedactionOff] = "true",
            ["Imprivata:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        }));

        var options = app.Services.GetRequiredService<IOptionsMonitor<AzureMonitorOptions>>().Get(Options.DefaultName);
        Assert.Equal(connection, options.ConnectionString);
        Assert.IsType<ManagedIdentityCredential>(options.Credential);
        Assert.Equal("false", app.Configuration[TelemetrySetup.AspNetCoreQueryRedactionOff]);
        Assert.Equal("false", app.Configuration[TelemetrySetup.HttpClientQueryRedactionOff]);
    }

    [Fact]
    public async Task ARequestWithSecretsInItsQuery_ItsSpanCarriesNoneOfThem_EvenWithTheInstrumentationsOwnRedactionOff()
    {
        var spans = new List<Activity>();
        await using var svc = await TestService.StartAsync(configure: builder => builder.AddOpenTelemetryExport(otel =>
        {
            // The distro turns the instrumentation's redaction off; so does this test, after the app asked for it on.
            builder.Configuration[TelemetrySetup.AspNetCoreQueryRedactionOff] = "true";
            otel.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddInMemoryExporter(spans));
        }));
        using var http = new HttpClient { BaseAddress = svc.BaseUri };

        using var authorize = await http.GetAsync($"/connect/authorize?code={Secret}-code&id_token_hint={Secret}-hint&token={Secret}-token&client_id=x");
        using var login = await http.GetAsync($"/login?returnUrl=%2Fconnect%2Fauthorize%3Fcode%3D{Secret}-nested");
        svc.Services.GetRequiredService<TracerProvider>().ForceFlush();

        Activity[] exported;
        lock (spans)
            exported = [.. spans];
        var server = exported.Where(a => a.Kind == ActivityKind.Server).ToList();
        Assert.Contains(server, a => a.GetTagItem("url.path") as string == "/connect/authorize"
            && a.GetTagItem("url.query") as string == "?code=Redacted&id_token_hint=Redacted&token=Redacted&client_id=Redacted");
        Assert.Contains(server, a => a.GetTagItem("url.path") as string == "/login");
        Assert.All(exported, span =>
        {
            Assert.DoesNotContain(Secret, span.DisplayName, StringComparison.Ordinal);
            Assert.All(span.TagObjects, tag => Assert.DoesNotContain(Secret, tag.Value?.ToString() ?? "", StringComparison.Ordinal));
        });
    }
}
