using Imprivata.Core.Settings;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Login;

/// <summary>The login page wears the enterprise's colour and logo from Web app login configuration, and names the app.</summary>
public sealed class LoginBrandingTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    // A 1x1 transparent GIF.
    private static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    [Fact]
    public async Task LoginPage_ConfiguredColourAndLogo_Shown()
    {
        var settings = fx.Service.Services.GetRequiredService<ISettingsStore>();
        await settings.SaveWebLoginAsync(new WebLoginSettings { BackgroundColor = "#123abc", Logo = Gif, LogoContentType = "image/gif" }, CancellationToken.None);
        using var browser = fx.NewBrowser();

        var toLogin = await browser.AuthorizeAsync(fx.NewRequest());
        var html = await (await browser.GetAsync(OidcFlow.LocationOf(toLogin))).Content.ReadAsStringAsync();
        Assert.Contains("background-color: #123abc", html);
        Assert.Contains("src=\"/login/logo\"", html);
        Assert.Contains("Test app", html);

        var logo = await browser.GetAsync("/login/logo");
        Assert.Equal("image/gif", logo.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Gif, await logo.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task LoginPage_NoLogo_NoImageAndLogoIs404()
    {
        var settings = fx.Service.Services.GetRequiredService<ISettingsStore>();
        await settings.SaveWebLoginAsync(new WebLoginSettings(), CancellationToken.None);
        using var browser = fx.NewBrowser();
        var html = await (await browser.GetAsync("/login")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("/login/logo", html);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await browser.GetAsync("/login/logo")).StatusCode);
    }
}
