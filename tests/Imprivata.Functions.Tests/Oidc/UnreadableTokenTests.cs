using System.Net;
using System.Text.Json;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// Strings shaped like a JWT (three or five dot-separated parts) that are not one, presented wherever a token is read: each
/// gets the protocol's answer (RFC 6750 3.1 invalid_token, RFC 6749 5.2 invalid_grant, RFC 7009 2.2 200), never a 500.
/// </summary>
public sealed class UnreadableTokenTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    /// <summary>Three parts (JWS) and five (JWE); with a header that is, or is not, a base64url JSON object.</summary>
    public static TheoryData<string> Shapes =>
    [
        "a.b.c", "abc.def.ghi", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "eyJ9.eyJ9.eyJ9", "..",
        "a.b.c.d.e", "....", "e30.a.b.c.d", "eyJjcml0IjoxfQ.a.b.c.d", "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d",
        "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZDQkMtSFM1MTIifQ.e30.e30.e30.e30",
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Bearer_token_at_userinfo_is_invalid_token(string token)
    {
        using var browser = fx.NewBrowser();
        var response = await browser.UserInfoAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Refresh_token_at_the_token_endpoint_is_invalid_grant(string token)
    {
        using var browser = fx.NewBrowser();
        var response = await browser.RefreshAsync(token, OidcFixture.ClientId, fx.Secret);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_grant", response.Error);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Token_at_revocation_is_answered_200(string token)
    {
        using var http = new HttpClient { BaseAddress = fx.Service.BaseUri };
        var response = await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = OidcFixture.ClientId, ["client_secret"] = fx.Secret,
        }));
        var body = await response.Content.ReadAsStringAsync();
        // RFC 7009 2.2: an invalid token is not an error for the client; unsupported_token_type is the one error allowed.
        Assert.True(response.StatusCode == HttpStatusCode.OK || body.Contains("unsupported_token_type"), $"{(int)response.StatusCode} {body}");
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        if (response.StatusCode != HttpStatusCode.OK)
            Assert.Equal("unsupported_token_type", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
    }
}
