using System.Text.Json;
using System.Text.RegularExpressions;
using Imprivata.Core.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Imprivata.EndToEnd;

/// <summary>Steps every browser test takes: arrive at a page (and say what went wrong if not), sign in, read the relying party's result.</summary>
public static class BrowserSteps
{
    /// <summary>
    /// Waits until the browser is at a URL (a Playwright-style glob: ** any text, * any text within a path segment) and the
    /// document says it is parsed (readyState past "loading", i.e. DOMContentLoaded). Both are polled rather than awaited
    /// as events: on a busy CI machine WaitForURL ("load", then DOMContentLoaded) timed out while the browser already showed
    /// the expected page. On timeout says where the browser is, what it shows, its cookies and, given the service, the
    /// newest audit events.
    /// </summary>
    public static async Task ArriveAsync(IPage page, string urlPattern, float timeoutMs = 30_000, TestService? service = null)
    {
        var expected = GlobPattern(urlPattern);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (!expected.IsMatch(page.Url) || await ReadyStateAsync(page) is "loading" or null)
            {
                if (waited.ElapsedMilliseconds > timeoutMs)
                    throw new TimeoutException();
                await Task.Delay(50);
            }
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
            throw new Xunit.Sdk.XunitException($"Expected {urlPattern} (loaded) but the browser is at {page.Url} ({await ReadyStateAsync(page)}) showing: {text[..Math.Min(text.Length, 800)]} " +
                                               $"(cookies: {cookies})\naudit (newest first):\n{string.Join('\n', audit.Take(8))}");
        }
    }

    /// <summary>The document's own readyState ("loading" until DOMContentLoaded); null while a navigation replaces it.</summary>
    private static async Task<string?> ReadyStateAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string>("document.readyState");
        }
        catch (PlaywrightException)
        {
            return null; // the execution context was replaced by a navigation: ask again
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
