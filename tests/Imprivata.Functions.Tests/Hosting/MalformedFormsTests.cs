using System.Net;
using System.Text;
using System.Text.Json;
using Imprivata.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Hosting;

/// <summary>Form bodies nobody can read are a 400 with the protocol's error and an audit event, never a 500.</summary>
public sealed class MalformedFormsTests : IAsyncLifetime
{
    private TestService _service = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _service = await TestService.StartAsync();
        _client = new HttpClient { BaseAddress = _service.BaseUri };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _service.DisposeAsync();
    }

    private static string ManyFields(int count) =>
        "grant_type=client_credentials&" + string.Join('&', Enumerable.Range(0, count).Select(i => $"f{i}=x"));

    [Fact]
    public async Task Token_MoreFieldsThanTheLimit_InvalidRequestJson()
    {
        using var response = await _client.PostAsync("/connect/token", Form(ManyFields(1100)));

        await AssertOAuthRefusalAsync(response);
        await AssertAuditedAsync("form_limits POST /connect/token");
    }

    [Fact]
    public async Task Token_ValueOverTheLimit_InvalidRequestJson()
    {
        using var response = await _client.PostAsync("/connect/token", Form("grant_type=client_credentials&client_id=" + new string('a', 5 * 1024 * 1024)));

        await AssertOAuthRefusalAsync(response);
    }

    [Theory]
    [InlineData("utf-7")]
    [InlineData("utf-16")]
    [InlineData("x-unknown")]
    public async Task Token_CharsetWeDoNotRead_InvalidRequestJson(string charset)
    {
        using var content = new StringContent("grant_type=client_credentials&client_id=a&client_secret=b", Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=" + charset);

        using var response = await _client.PostAsync("/connect/token", content);

        await AssertOAuthRefusalAsync(response);
        await AssertAuditedAsync("unsupported_charset POST /connect/token");
    }

    [Fact]
    public async Task LoginPost_MoreFieldsThanTheLimit_400Page()
    {
        using var response = await _client.PostAsync("/login", Form(ManyFields(1100)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The submitted form could not be read.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_Utf8Charset_StillReadAsAnOrdinaryForm()
    {
        using var content = new StringContent("grant_type=client_credentials&client_id=nobody&client_secret=b", Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-8");

        using var response = await _client.PostAsync("/connect/token", content);

        // OpenIddict read the form and answered the client check itself.
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_client", json.RootElement.GetProperty("error").GetString());
    }

    private static StringContent Form(string body) => new(body, Encoding.ASCII, "application/x-www-form-urlencoded");

    private static async Task AssertOAuthRefusalAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request", json.RootElement.GetProperty("error").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private async Task AssertAuditedAsync(string detail)
    {
        var log = _service.Services.GetRequiredService<IAuditLog>();
        await foreach (var e in log.QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            if (e.Kind == AuditKinds.HttpBadRequest && e.Detail == detail)
                return;
        throw new Xunit.Sdk.XunitException("No audit event with detail " + detail);
    }
}
