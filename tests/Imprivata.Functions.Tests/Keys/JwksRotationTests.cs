using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Imprivata.Core.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Imprivata.Functions.Tests.Keys;

/// <summary>
/// Rotation as relying parties see it, through the running service: the successor key is in the JWKS before it signs,
/// tokens switch to it at activation without a restart, and the old key stays published for its grace period.
/// </summary>
public sealed class JwksRotationTests
{
    [Fact]
    public async Task Rotation_SuccessorPublishedBeforeItSigns_OldKeyStaysPublished()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var service = await TestService.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        var secret = await service.AddOidcAppAsync("rotation-client", [new Uri("https://rp.example/cb")]);
        using var http = new HttpClient { BaseAddress = service.BaseUri };
        var options = service.Services.GetRequiredService<KeyRingOptions>();
        var ring = service.Services.GetRequiredService<ISigningKeyRing>();

        var first = Assert.Single(await JwksKidsAsync(http));
        Assert.Equal(first, await TokenKidAsync(http, secret));

        // Just after the successor's publication time: published (RPs can cache it) but not signing.
        clock.Advance(options.ActiveLifetime - options.PrePublication + TimeSpan.FromHours(1));
        await ring.MaintainAsync(CancellationToken.None);
        var published = await JwksKidsAsync(http);
        Assert.Equal(2, published.Count);
        var second = Assert.Single(published, k => k != first);
        Assert.Equal(first, await TokenKidAsync(http, secret));

        // After activation the successor signs; the old key is still published (tokens it signed are still alive).
        clock.Advance(options.PrePublication);
        Assert.Equal(second, await TokenKidAsync(http, secret));
        Assert.Contains(first, await JwksKidsAsync(http));
    }

    private static async Task<IReadOnlyList<string>> JwksKidsAsync(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(".well-known/jwks"));
        var keys = doc.RootElement.GetProperty("keys").EnumerateArray().ToList();
        foreach (var key in keys)
        {
            Assert.True(key.TryGetProperty("x5c", out var x5c) && x5c.GetArrayLength() == 1, "every key carries its certificate");
            Assert.Equal("RS256", key.GetProperty("alg").GetString());
            foreach (var privateMember in new[] { "d", "p", "q", "dp", "dq", "qi" })
                Assert.False(key.TryGetProperty(privateMember, out _), $"JWKS must not expose '{privateMember}'");
        }
        return [.. keys.Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static async Task<string> TokenKidAsync(HttpClient http, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("rotation-client:" + secret)));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var token = JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
        return new JsonWebToken(token).Kid;
    }
}
