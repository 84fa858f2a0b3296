using System.Diagnostics;
using Imprivata.Functions.Login;
using Imprivata.Functions.Telemetry;
using Imprivata.Functions.Tests.Login;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Imprivata.Functions.Tests.Telemetry;

/// <summary>
/// The real service with everything the app exports in Azure (requests, outgoing calls, logs from Information up, the
/// security meter) going to in-memory exporters instead of the Azure Monitor exporter, which would leave loopback.
/// </summary>
public sealed class TelemetryFixture : MfaLoginFixture
{
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];

    public LogCapture Logs { get; } = new();

    protected override Task<TestService> StartServiceAsync() => TestService.StartAsync(configure: builder =>
    {
        builder.Services.AddSingleton<ICodeFactor>(Codes);
        // What Azure exports by default: Information and above.
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.AddOpenTelemetryExport(otel => otel
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddInMemoryExporter(_spans))
            .WithMetrics(metrics => metrics.AddInMemoryExporter(_metrics))
            .WithLogging(logging => logging.AddProcessor(new SimpleLogRecordExportProcessor(Logs)),
                options => { options.IncludeFormattedMessage = true; options.IncludeScopes = true; }));
    });

    /// <summary>Flushes every provider and returns what was exported so far.</summary>
    public (List<Activity> Spans, List<Metric> Metrics) Exported()
    {
        Service.Services.GetRequiredService<TracerProvider>().ForceFlush();
        Service.Services.GetRequiredService<MeterProvider>().ForceFlush();
        lock (_spans)
            return ([.. _spans], _metrics);
    }
}

/// <summary>
/// Log records are pooled and reused once exported, so this exporter keeps their text: category, message, template,
/// attributes, scopes and exception.
/// </summary>
public sealed class LogCapture : BaseExporter<LogRecord>
{
    private readonly List<string> _texts = [];

    public IReadOnlyList<string> Texts
    {
        get
        {
            lock (_texts)
                return [.. _texts];
        }
    }

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        foreach (var record in batch)
        {
            var parts = new List<string?> { record.CategoryName, record.FormattedMessage, record.Body, record.Exception?.ToString() };
            foreach (var attribute in record.Attributes ?? [])
                parts.Add(attribute.Key + "=" + attribute.Value);
            record.ForEachScope((scope, list) =>
            {
                foreach (var item in scope)
                    list.Add(item.Key + "=" + item.Value);
            }, parts);
            lock (_texts)
                _texts.Add(string.Join(" | ", parts.Where(p => p is not null)));
        }
        return ExportResult.Success;
    }
}
