using System.Text.Json;
using System.Text.RegularExpressions;
using Imprivata.Core.Audit;
using Imprivata.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Imprivata.EndToEnd;

/// <summary>Steps every browser test takes: arrive at a page (and say what went wrong if not), sign in, read the relying party's result.</summary>
public static class BrowserSteps
{
    /// <summary>
    /// Waits until the browser is at a URL (a Playwright-style glob: ** any text, * any text within a path segment) and its
    /// document has loaded (DOMContentLoaded). The URL is polled rather than awaited as a navigation event: on a busy CI
    /// machine WaitForURL once timed out while the browser already showed the expected page (the navigation completed
    /// between the click and the wait), as "load" had before. On timeout says where the browser is, what it shows, its
    /// cookies and, given the service, the newest audit events.
    /// </summary>
    public static async Task ArriveAsync(IPage page, string urlPattern, float timeoutMs = 30_000, TestService? service = null)
    {
        var expected = GlobPattern(urlPattern);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (!expected.IsMatch(page.Url))
            {
                if (waited.ElapsedMilliseconds > timeoutMs)
                    throw new TimeoutException();
                await Task.Delay(50);
            }
            await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded,
                new PageWaitForLoadStateOptions { Timeout = Math.Max(1_000, timeoutMs - waited.ElapsedMilliseconds) });
        }
        catch (TimeoutException)
        {
            var text = await page.InnerTextAsync("body");
            var cookies = string.Join("; ", (await page.Context.CookiesAsync()).Select(c => $"{c.Name}@{c.Domain}{c.Path}"));
            var audit = new List<string>();
            if (service is not null)
            {
                var now = DateTimeOffset.UtcNow;
                await foreach (var e in service.Services.GetRequiredService<IAuditLog>().QueryAsync(now.AddMinutes(-10), now.AddMinutes(1), CancellationToken.None))
                    audit.Add($"{e.Kind} {e.Result} {e.Reason} {e.Methods} {e.Detail}");
            }
            throw new Xunit.Sdk.XunitException($"Expected {urlPattern} but the browser is at {page.Url} showing: {text[..Math.Min(text.Length, 800)]} " +
                                               $"(cookies: {cookies})\naudit (newest first):\n{string.Join('\n', audit.Take(8))}");
        }
    }

    internal static Regex GlobPattern(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*\*", ".*", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$");

    /// <summary>Types the user's password into our login page, which the browser must be showing.</summary>
    public static async Task SignInWithPasswordAsync(IPage page, TestService service, string username, string password)
    {
        Assert.StartsWith(service.Issuer + "login", page.Url);
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
    }

    /// <summary>What the relying party's callback page shows: openid-client's verified result (claims, userinfo), or its error.</summary>
    public static async Task<JsonElement> RelyingPartyResultAsync(IPage page, RelyingPartyProcess rp)
    {
        if (await page.Locator("#error").CountAsync() > 0)
            throw new Xunit.Sdk.XunitException("RP error: " + await page.Locator("#error").InnerTextAsync() + "\n" + rp.Output);
        return JsonDocument.Parse(await page.Locator("#result").InnerTextAsync()).RootElement.Clone();
    }

    /// <summary>The amr values of ID token claims.</summary>
    public static IReadOnlyList<string?> Amr(JsonElement claims) =>
        claims.GetProperty("amr").EnumerateArray().Select(e => e.GetString()).ToList();
}
