using System.Text;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Tests.Protocol;

/// <summary>
/// One fixture file per malformed-packet rule (Protocol/Fixtures/requests/*.txt, built by make_fixtures.py):
/// hex datagram in, the verdict the edge's codec must reach out ("ok", "drop reason" or "reject reason").
/// </summary>
public class RequestFixtureTests
{
    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(FixtureFolder, "*.txt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    private static string FixtureFolder => Path.Combine(AppContext.BaseDirectory, "Protocol", "Fixtures", "requests");

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Decode_Fixture_ReachesExpectedVerdict(string name)
    {
        var fixture = RequestFixture.Load(Path.Combine(FixtureFolder, name + ".txt"));

        var result = AccessRequestDecoder.Decode(fixture.Datagram, fixture.Client);

        var verdict = result.IsSuccess
            ? "ok"
            : (RadiusFailures.Action(result.Failure) == RadiusFailureAction.Drop ? "drop " : "reject ") + RadiusFailures.Code(result.Failure);
        Assert.Equal(fixture.Expect, verdict);
    }

    [Fact]
    public void Fixtures_CoverEveryWireAndVerifierFailure()
    {
        var expected = Directory.GetFiles(FixtureFolder, "*.txt").Select(f => RequestFixture.Load(f).Expect).ToHashSet();
        var notFromPackets = new[] { RadiusFailure.None, RadiusFailure.UnknownClient };

        foreach (var failure in Enum.GetValues<RadiusFailure>().Except(notFromPackets))
            Assert.Contains(expected, e => e.EndsWith(" " + RadiusFailures.Code(failure), StringComparison.Ordinal));
    }

    private sealed record RequestFixture(byte[] Datagram, ClientPolicy Client, string Expect)
    {
        public static RequestFixture Load(string path)
        {
            var fields = File.ReadAllLines(path)
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Split(':', 2))
                .GroupBy(p => p[0].Trim(), p => p[1].Trim())
                .ToDictionary(g => g.Key, g => g.ToList());
            var client = new ClientPolicy(
                Encoding.UTF8.GetBytes(fields["secret"].Single()),
                fields["require-message-authenticator"].Single() == "yes",
                fields["limit-proxy-state"].Single() == "yes");
            return new RequestFixture(Convert.FromHexString(string.Concat(fields["packet"])), client, fields["expect"].Single());
        }
    }
}
