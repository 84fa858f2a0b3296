using System.Net;
using Imprivata.Core.Telemetry;
using Imprivata.Functions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Imprivata.Functions.Tests.Telemetry;

/// <summary>Real sign-ins through the service move the security meter's counters, by outcome and never by who.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class SignInMetricsTests
{
    private const string Username = "metrics.user";
    private const string Password = "Correct-Horse-9";

    [Fact]
    public async Task WebSignIns_AreCountedByResultAndReason_AndNoDimensionNamesTheUser()
    {
        var exported = new List<Metric>();
        await using var svc = await TestService.StartAsync(configure: builder =>
            builder.AddOpenTelemetryExport(otel => otel.WithMetrics(metrics => metrics.AddInMemoryExporter(exported))));
        await svc.AddUserAsync(Username, Password);
        var redirect = new Uri("https://rp.example.org/cb");
        var secret = await svc.AddOidcAppAsync("metrics-client", [redirect]);
        using var driver = await OidcDriver.ConnectAsync(new OidcTarget("ours", new Uri(svc.Issuer), "metrics-client", secret, redirect, Username, Password), 1);

        await driver.LoginAsync();
        var wrong = await PostPasswordAsync(svc, Username, "not-the-password");
        var unknown = await PostPasswordAsync(svc, "nobody.here", "whatever-it-is");
        svc.Services.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Equal(HttpStatusCode.OK, wrong);
        Assert.Equal(HttpStatusCode.OK, unknown);
        var points = Points(exported, SecurityMetrics.SignIns);
        Assert.Equal(1, Sum(points, ("surface", "web"), ("result", "success"), ("reason", "ok")));
        Assert.Equal(1, Sum(points, ("surface", "web"), ("result", "failure"), ("reason", "bad_credentials")));
        Assert.Equal(1, Sum(points, ("surface", "web"), ("result", "failure"), ("reason", "unknown_user")));
        Assert.All(points, p => Assert.All(p.Tags, t => Assert.DoesNotContain(t.Value, new object?[] { Username, "nobody.here", "127.0.0.1" })));
    }

    /// <summary>The login form as a browser submits it, with the given credentials.</summary>
    private static async Task<HttpStatusCode> PostPasswordAsync(TestService svc, string username, string password)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = svc.BaseUri };
        var login = new Uri(svc.BaseUri, "/login");
        var form = HtmlForm.Find(await http.GetStringAsync(login), login)!.With("username", username).With("password", password);
        using var response = await http.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
        return response.StatusCode;
    }

    internal sealed record Point(Dictionary<string, object?> Tags, long Value);

    internal static List<Point> Points(List<Metric> exported, string name)
    {
        var points = new List<Point>();
        foreach (var metric in exported.Where(m => m.Name == name))
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                    tags[tag.Key] = tag.Value;
                points.Add(new Point(tags, point.GetSumLong()));
            }
        return points;
    }

    internal static long Sum(List<Point> points, params (string Key, string Value)[] tags) =>
        points.Where(p => tags.All(t => p.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))).Sum(p => p.Value);
}
