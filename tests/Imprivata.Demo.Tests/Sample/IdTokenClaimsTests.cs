using System.Text.Json;
using Imprivata.Demo.Sample;

namespace Imprivata.Demo.Tests.Sample;

public class IdTokenClaimsTests
{
    private static IReadOnlyList<(string Name, string Value)> ListOf(string json)
    {
        using var payload = JsonDocument.Parse(json);
        return IdTokenClaims.Rows(payload.RootElement);
    }

    private static Dictionary<string, string> RowsOf(string json) => ListOf(json).ToDictionary(r => r.Name, r => r.Value);

    [Fact]
    public void Rows_Amr_ShownAsAJsonArray()
    {
        var rows = RowsOf("""{"sub":"u1","amr":["pwd","otp","mfa"]}""");

        Assert.Equal("""["pwd", "otp", "mfa"]""", rows["amr"]);
    }

    [Theory]
    [InlineData("iat")]
    [InlineData("exp")]
    [InlineData("auth_time")]
    public void Rows_Times_ShownAsUtcDatesWithTheRawSeconds(string claim)
    {
        var rows = RowsOf($$"""{"sub":"u1","{{claim}}":1772442000}""");

        Assert.Equal("2026-03-02 09:00:00 UTC (1772442000)", rows[claim]);
    }

    [Fact]
    public void Rows_ProviderInternalsAndProtocolValues_LeftOut()
    {
        var rows = ListOf("""
            {"sub":"u1","oi_au_id":"a","oi_tkn_id":"t","nonce":"n","at_hash":"h","azp":"demo-app","jti":"j",
             "name":"Demo User","email":"demo@example.org","aud":"demo-app","iss":"http://localhost:7071/","sid":"s"}
            """);

        // Reading order: who, how and when, for whom.
        Assert.Equal(["sub", "name", "email", "iss", "aud", "sid"], rows.Select(r => r.Name));
        Assert.Contains(("name", "Demo User"), rows);
        Assert.Contains(("aud", "demo-app"), rows);
    }

    [Fact]
    public void Rows_AudienceList_AndBooleans_KeepTheirJsonShape()
    {
        var rows = RowsOf("""{"sub":"u1","aud":["a","b"],"email_verified":true}""");

        Assert.Equal("""["a", "b"]""", rows["aud"]);
        Assert.Equal("true", rows["email_verified"]);
    }

    [Fact]
    public void Rows_TimeOutOfRange_ShownAsTheNumber()
    {
        Assert.Equal("99999999999999", RowsOf("""{"exp":99999999999999}""")["exp"]);
    }
}
