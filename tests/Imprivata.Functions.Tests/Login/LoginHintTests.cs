using Imprivata.Functions.Tests.Oidc;

namespace Imprivata.Functions.Tests.Login;

/// <summary>login_hint (OIDC Core 3.1.2.1) pre-fills the username; it never signs anyone in by itself.</summary>
public sealed class LoginHintTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    [Fact]
    public async Task Authorize_LoginHint_PrefillsUsernameOnLoginPage()
    {
        using var browser = fx.NewBrowser();
        var toLogin = await browser.AuthorizeAsync(fx.NewRequest().With("login_hint", "alice@example.org"));
        var html = await (await browser.GetAsync(OidcFlow.LocationOf(toLogin))).Content.ReadAsStringAsync();
        Assert.Contains("value=\"alice@example.org\"", html);
        Assert.Contains("name=\"password\"", html);
    }

    [Fact]
    public async Task Authorize_LoginHintWithMarkup_Escaped()
    {
        using var browser = fx.NewBrowser();
        var toLogin = await browser.AuthorizeAsync(fx.NewRequest().With("login_hint", "\"><script>x</script>"));
        var html = await (await browser.GetAsync(OidcFlow.LocationOf(toLogin))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>x", html);
    }
}
