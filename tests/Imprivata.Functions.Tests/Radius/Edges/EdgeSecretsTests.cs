using System.Text;
using Imprivata.Functions.Radius.Edges;

namespace Imprivata.Functions.Tests.Radius.Edges;

/// <summary>The integration token's format (imp-edge.&lt;base64url JSON&gt;) and the credential check.</summary>
public sealed class EdgeSecretsTests
{
    [Fact]
    public void Token_RoundTrips_WithTheContractsFieldNames()
    {
        var secret = EdgeSecrets.NewSecret();
        var token = EdgeSecrets.FormatToken(new Uri("https://idp.contoso.org/"), "iid-1", secret);

        var json = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token[EdgeSecrets.TokenPrefix.Length..])));

        Assert.StartsWith("imp-edge.", token, StringComparison.Ordinal);
        Assert.Equal($"{{\"v\":1,\"url\":\"https://idp.contoso.org\",\"iid\":\"iid-1\",\"secret\":\"{secret}\"}}", json);
        Assert.Equal(new EdgeSecrets.TokenBody(1, "https://idp.contoso.org", "iid-1", secret), EdgeSecrets.ReadToken(token));
    }

    [Theory]
    [InlineData("imp-edge.eyJ2IjoyLCJ1cmwiOiJ4IiwiaWlkIjoiaSIsInNlY3JldCI6InMifQ")] // v 2
    [InlineData("imp-edge.e30")] // {}
    [InlineData("imp-edge.")]
    [InlineData("imp-edge.bm90IGpzb24")] // not json
    [InlineData(null)]
    public void Token_NotVersion1_Unreadable(string? token) => Assert.Null(EdgeSecrets.ReadToken(token));

    [Fact]
    public void Credential_MatchesOnlyItsHash()
    {
        var credential = EdgeSecrets.NewSecret();
        var hash = EdgeSecrets.Hash(credential);

        Assert.True(EdgeSecrets.Matches(credential, hash));
        Assert.False(EdgeSecrets.Matches(credential + "x", hash));
        Assert.False(EdgeSecrets.Matches(hash, hash));
        Assert.False(EdgeSecrets.Matches("", hash));
        Assert.False(EdgeSecrets.Matches(credential, ""));
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
