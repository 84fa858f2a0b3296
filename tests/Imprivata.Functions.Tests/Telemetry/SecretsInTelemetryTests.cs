using System.Diagnostics;
using System.Net;
using Imprivata.Core.Mfa;
using Imprivata.Core.Telemetry;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using OpenTelemetry.Metrics;

namespace Imprivata.Functions.Tests.Telemetry;

/// <summary>
/// Evidence for the telemetry a hospital sends to Application Insights: a whole sign-in (password, a wrong and a right
/// second-factor code, the code's redemption with the client secret, a refresh, userinfo) leaves no secret in any exported
/// span, log record or metric, and the security meter counts each decision.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class SecretsInTelemetryTests(TelemetryFixture fx) : IClassFixture<TelemetryFixture>
{
    private const string WrongCode = "739182";
    private const string RightCode = "246813";

    [Fact]
    public async Task AFullSignIn_ExportsNoPasswordCodeTokenSecretOrQueryValue_AndCountsEachDecision()
    {
        await fx.UseWebSsoAsync([Factor.OtpToken]);
        var user = await fx.NewUserAsync();
        await fx.EnrollAsync(user, Factor.OtpToken);
        fx.Codes.Expect(user, RightCode);
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();

        var first = await browser.AuthorizeAsync(request);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(fx.Service.BaseUri, OidcFlow.LocationOf(first)).Query)["returnUrl"].ToString();
        var posted = await browser.SignInAsync(user.Username, OidcFixture.Password, returnUrl);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(posted));
        Assert.Equal(HttpStatusCode.BadRequest, (await SubmitCodeAsync(browser, WrongCode)).StatusCode);
        var done = await SubmitCodeAsync(browser, RightCode);
        var code = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.GetAsync(OidcFlow.LocationOf(done)))).Code!;
        var tokens = await browser.RedeemAsync(request, code, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        var refreshed = await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.ClientId, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        using var userInfo = await browser.UserInfoAsync(refreshed.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, userInfo.StatusCode);
        // The same code again: an error path, which logs more than the happy one.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.RedeemAsync(request, code, fx.Secret)).Status);

        var (spans, metrics) = fx.Exported();
        var secrets = new Dictionary<string, string>
        {
            ["password"] = OidcFixture.Password,
            ["wrong code"] = WrongCode,
            ["right code"] = RightCode,
            ["authorization code"] = code,
            ["client secret"] = fx.Secret,
            ["PKCE verifier"] = request.Verifier,
        };
        foreach (var (name, token) in new[] { ("access", tokens.AccessToken), ("refresh", tokens.RefreshToken), ("id", tokens.IdToken),
                     ("refreshed access", refreshed.AccessToken), ("refreshed refresh", refreshed.RefreshToken) })
        {
            secrets[name + " token"] = token!;
            // A JWT's header is shared by every token; its signature is what makes it one.
            secrets[name + " token's last part"] = token!.Split('.')[^1];
        }
        // Query values a span must not carry (url.query keeps only the names).
        var queryValues = new Dictionary<string, string>
        {
            ["state"] = request.Parameters["state"]!,
            ["nonce"] = request.Parameters["nonce"]!,
            ["code_challenge"] = request.Parameters["code_challenge"]!,
        };

        var spanTexts = spans.Select(SpanText).ToList();
        var logTexts = fx.Logs.Texts;
        var metricTexts = metrics.SelectMany(MetricTexts).ToList();
        Assert.Contains(spans, s => s.GetTagItem("url.path") as string == "/connect/token");
        Assert.Contains(spans, s => s.GetTagItem("url.path") as string == "/login/mfa/otp");
        Assert.NotEmpty(logTexts);
        foreach (var (name, value) in secrets)
        {
            AssertAbsent(name, value, "span", spanTexts);
            AssertAbsent(name, value, "log record", logTexts);
            AssertAbsent(name, value, "metric", metricTexts);
        }
        foreach (var (name, value) in queryValues)
            AssertAbsent(name, value, "span", spanTexts);

        var signIns = SignInMetricsTests.Points(metrics, SecurityMetrics.SignIns);
        Assert.True(SignInMetricsTests.Sum(signIns, ("surface", "web"), ("result", "success")) >= 1);
        var factors = SignInMetricsTests.Points(metrics, SecurityMetrics.SecondFactors);
        Assert.True(SignInMetricsTests.Sum(factors, ("factor", "otp"), ("result", "failure"), ("reason", "bad_credentials")) >= 1,
            "no failed otp: " + string.Join("; ", metricTexts));
        Assert.True(SignInMetricsTests.Sum(factors, ("factor", "otp"), ("result", "success"), ("reason", "ok")) >= 1);
    }

    [Fact]
    public async Task ACodeRefusedWhileTheAccountWaits_IsCountedAsTheSecondFactorThrottleHolding()
    {
        await fx.UseWebSsoAsync([Factor.OtpToken]);
        var user = await fx.NewUserAsync();
        await fx.EnrollAsync(user, Factor.OtpToken);
        using var browser = fx.NewBrowser();
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(await browser.SignInAsync(user.Username, OidcFixture.Password, "/login/done")));
        var before = Throttled(fx.Exported().Metrics);

        for (var i = 0; i < AccountThrottle.FreeFailures + 1; i++)
            await SubmitCodeAsync(browser, WrongCode);
        fx.Codes.Expect(user, RightCode);
        var refused = await SubmitCodeAsync(browser, RightCode);

        Assert.Contains("Too many failed attempts", await refused.Content.ReadAsStringAsync());
        Assert.True(Throttled(fx.Exported().Metrics) > before);
    }

    private static long Throttled(List<Metric> metrics) => SignInMetricsTests.Sum(SignInMetricsTests.Points(metrics, SecurityMetrics.Throttled),
        ("throttle", "second_factor"), ("surface", "web"));

    private static async Task<HttpResponseMessage> SubmitCodeAsync(OidcFlow browser, string code)
    {
        var page = await browser.GetAsync("/login/mfa/otp");
        var csrf = OidcFlow.CsrfOf(await page.Content.ReadAsStringAsync());
        return await browser.PostFormAsync("/login/mfa/otp", new Dictionary<string, string> { ["csrf"] = csrf, ["code"] = code });
    }

    private static void AssertAbsent(string name, string value, string where, IEnumerable<string> texts)
    {
        var found = texts.FirstOrDefault(t => t.Contains(value, StringComparison.Ordinal));
        Assert.True(found is null, $"the {name} is in an exported {where}: {found}");
    }

    private static string SpanText(Activity span)
    {
        var parts = new List<string?> { span.DisplayName, span.OperationName, span.StatusDescription };
        parts.AddRange(span.TagObjects.Select(t => t.Key + "=" + t.Value));
        foreach (var e in span.Events)
        {
            parts.Add(e.Name);
            parts.AddRange(e.Tags.Select(t => t.Key + "=" + t.Value));
        }
        parts.AddRange(span.Baggage.Select(b => b.Key + "=" + b.Value));
        return string.Join(" | ", parts.Where(p => p is not null));
    }

    private static IEnumerable<string> MetricTexts(Metric metric)
    {
        var texts = new List<string> { metric.Name + " " + metric.Description };
        foreach (ref readonly var point in metric.GetMetricPoints())
            foreach (var tag in point.Tags)
                texts.Add(metric.Name + " " + tag.Key + "=" + tag.Value);
        return texts;
    }
}
