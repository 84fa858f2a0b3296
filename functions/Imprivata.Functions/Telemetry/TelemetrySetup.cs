using System.Diagnostics.Metrics;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Imprivata.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Instrumentation.Http;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Imprivata.Functions.Telemetry;

/// <summary>
/// The app's own telemetry. <see cref="SecurityMetrics"/> is always there (a meter nobody listens to costs nothing). When
/// <see cref="ConnectionStringSetting"/> is set (the template sets it), requests, dependencies (Azure SDK, HttpClient), logs
/// and the security meter go to Application Insights through the Azure Monitor OpenTelemetry distro, authenticated with the
/// managed identity named by <see cref="AuthenticationStringSetting"/>. Without it nothing of OpenTelemetry is configured:
/// the distro refuses to start without a connection string.
/// </summary>
public static class TelemetrySetup
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    /// <summary>"ClientId=...;Authorization=AAD": read by the Functions host itself, and here to choose the exporter's credential.</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    internal const string AspNetCoreQueryRedactionOff = "OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION";
    internal const string HttpClientQueryRedactionOff = "OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION";

    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(sp => new SecurityMetrics(sp.GetRequiredService<IMeterFactory>().Create(SecurityMetrics.MeterName)));

        var connectionString = builder.Configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
            return;

        var authentication = TelemetryAuthentication.Parse(builder.Configuration[AuthenticationStringSetting]);
        builder.AddOpenTelemetryExport(otel => otel.UseAzureMonitor(options =>
        {
            options.ConnectionString = connectionString;
            // The distro ignores the authentication string; a component with local authentication off needs the identity.
            options.Credential ??= authentication.CreateCredential();
        }));
    }

    /// <summary>
    /// Everything but the exporter, which <paramref name="export"/> adds (the distro in Azure; a test's in-memory exporter,
    /// since the distro's resource detectors call the instance metadata endpoint): the security meter, query-string
    /// redaction and the log filter. Redaction does not rely on the instrumentations' own, which the distro turns off.
    /// </summary>
    internal static void AddOpenTelemetryExport(this WebApplicationBuilder builder, Action<OpenTelemetryBuilder> export)
    {
        // Forced, not defaulted: /connect/* query strings carry authorization codes, ID token hints and tokens (RFC 6749
        // 10.3 and 10.12, RFC 7009 2.1: such values must not reach a third party, and a telemetry store is one).
        builder.Configuration[AspNetCoreQueryRedactionOff] = "false";
        builder.Configuration[HttpClientQueryRedactionOff] = "false";
        var otel = builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddProcessor(new QueryRedactionProcessor()))
            .WithMetrics(metrics => metrics.AddMeter(SecurityMetrics.MeterName));
        export(otel);
        // Redacted as the instrumentation records the request, so no exporter or processor ever sees the raw query string.
        builder.Services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            var earlier = options.EnrichWithHttpRequest;
            options.EnrichWithHttpRequest = (activity, request) =>
            {
                earlier?.Invoke(activity, request);
                QueryRedaction.Apply(activity);
            };
        });
        builder.Services.Configure<HttpClientTraceInstrumentationOptions>(options =>
        {
            var earlier = options.EnrichWithHttpRequestMessage;
            options.EnrichWithHttpRequestMessage = (activity, request) =>
            {
                earlier?.Invoke(activity, request);
                QueryRedaction.Apply(activity);
            };
        });
        // ASP.NET Core's "Request starting" log line holds the full URL, query string included: never exported below Warning.
        builder.Logging.AddFilter<OpenTelemetryLoggerProvider>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
    }
}
