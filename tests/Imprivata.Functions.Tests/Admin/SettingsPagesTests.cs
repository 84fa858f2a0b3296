using System.Net;
using Imprivata.Core.Settings;
using Imprivata.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;
using static Imprivata.Functions.Tests.Admin.ConsoleForms;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Gear menu > Web app login configuration through its form: a file that only starts like an image is "not an image".</summary>
public sealed class SettingsPagesTests : SignedInSuperadmin
{
    private Task<HttpResponseMessage> PostAsync(string colour, byte[]? logo)
    {
        var content = new MultipartFormDataContent
        {
            { new StringContent(Root.Csrf!), "_csrf" },
            { new StringContent(colour), "backgroundColor" },
            { new StringContent("120"), "sessionTimeoutMinutes" },
        };
        if (logo is not null)
            content.Add(new ByteArrayContent(logo), "logo", "logo.gif");
        return Root.Http.PostAsync("/console/settings/web-login", content);
    }

    [Fact]
    public async Task FakeGif_NotAnImage_TheTypedColourKept_NothingSaved()
    {
        byte[] fake = [.. "GIF89a"u8, 0x2C, 0x01, 0x2C, 0x01, 0, 0, 0, .. "not really an image"u8]; // "300 x 300"

        var page = await RefusedPageAsync(await PostAsync("#123456", fake));

        Assert.Contains(Html(AdminMessages.Describe("logo_type_invalid", "logo", null)), page);
        Assert.DoesNotContain(Html(AdminMessages.Describe("logo_dimensions_too_large")), page);
        Assert.Contains("value=\"#123456\"", page);
        var stored = await Host.App.Services.GetRequiredService<ISettingsStore>().GetWebLoginAsync(default);
        Assert.NotEqual("#123456", stored.BackgroundColor);
        Assert.Null(stored.Logo);
    }

    [Fact]
    public async Task RealGif_Saved()
    {
        var response = await PostAsync("#123456", ImageSamples.Gif(120, 60));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var stored = await Host.App.Services.GetRequiredService<ISettingsStore>().GetWebLoginAsync(default);
        Assert.Equal("image/gif", stored.LogoContentType);
    }
}
