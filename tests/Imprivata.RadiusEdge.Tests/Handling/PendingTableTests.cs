using System.Net;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Tests.Handling;

public class PendingTableTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static PendingRequest Request(string id, TimeSpan deadline)
    {
        var packet = PacketReader.Read(PacketWriter.Write(RadiusCode.AccessRequest, 1, new byte[16], [])).Value;
        var client = new NasClient("n", "t", IPNetwork.Parse("127.0.0.1/32"), new ClientPolicy(new byte[22]));
        return new PendingRequest(id, default, new IPEndPoint(IPAddress.Loopback, 1), client, packet, "u", Now, Now + deadline);
    }

    [Fact]
    public void TryTake_SecondTime_FindsNothing()
    {
        var table = new PendingTable(10);
        table.TryAdd(Request("a", TimeSpan.FromSeconds(35)));

        Assert.True(table.TryTake("a", out _));
        Assert.False(table.TryTake("a", out _));
    }

    [Fact]
    public void TakeExpired_OnlyPastDeadlines()
    {
        var table = new PendingTable(10);
        table.TryAdd(Request("soon", TimeSpan.FromSeconds(5)));
        table.TryAdd(Request("later", TimeSpan.FromSeconds(35)));

        var expired = table.TakeExpired(Now + TimeSpan.FromSeconds(10));

        Assert.Equal(["soon"], expired.Select(r => r.RequestId));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void TryAdd_AtCapacity_Refuses()
    {
        var table = new PendingTable(1);
        table.TryAdd(Request("a", TimeSpan.FromSeconds(35)));

        Assert.False(table.TryAdd(Request("b", TimeSpan.FromSeconds(35))));
    }
}
