using Imprivata.Core.Audit;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.Testing.Radius;

namespace Imprivata.EndToEnd.Radius;

/// <summary>
/// The whole remote-access path on loopback: the real backend (TestService with its queue pump) and two real edges (a site's
/// pair, for fail-over) bridged over Storage Queues in Azurite, both knowing the gateway at 127.0.0.1 as client
/// <see cref="ClientName"/>. Tests of a class run one after another; each saves the client profile and policy it needs.
/// </summary>
public sealed class RadiusEdgeFixture : IAsyncLifetime
{
    public const string ClientName = "vpn-e2e";
    public const string Secret = "e2e-shared-secret-0123456789";

    public RadiusBackend Backend { get; private set; } = default!;
    public RealEdge Edge { get; private set; } = default!;
    public RealEdge SecondEdge { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Backend = await RadiusBackend.StartAsync();
        Edge = await RealEdge.StartAsync(Backend, ClientName, Secret);
        SecondEdge = await RealEdge.StartAsync(Backend, ClientName, Secret);
    }

    public async Task DisposeAsync()
    {
        await SecondEdge.DisposeAsync();
        await Edge.DisposeAsync();
        await Backend.DisposeAsync();
    }

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Saves the gateway's profile (directory passwords, challenges shown, by default); the store's cache is cleared by the write.</summary>
    public Task ClientAsync(Func<RadiusClientProfile, RadiusClientProfile>? change = null)
    {
        var profile = new RadiusClientProfile { Name = ClientName };
        return Backend.SaveClientAsync(change?.Invoke(profile) ?? profile);
    }

    /// <summary>
    /// One Access-Request as a gateway sends it: retransmitted after <paramref name="timeoutSeconds"/> up to
    /// <paramref name="retries"/> times (a slow first answer on a loaded machine is waited for, as gateways do).
    /// </summary>
    public Task<Radclient.Result> RadclientAsync(string user, string password, string? state = null, RealEdge? edge = null, double timeoutSeconds = 10,
        int retries = 3) =>
        Radclient.AuthAsync((edge ?? Edge).Port, Secret, Radclient.Pap(user, password, state), timeoutSeconds, retries);

    /// <summary>Confirms a phone number for SMS codes, the enrollment code read from the outbox.</summary>
    public async Task<string> EnrollPhoneAsync(DirectoryUser user, string phone)
    {
        var enrollments = Backend.Get<CodeEnrollments>();
        var begun = await enrollments.BeginAsync(user.Id, CodeChannel.Sms, phone, CancellationToken.None);
        Assert.True(begun.Succeeded, begun.Error);
        var confirmed = await enrollments.ConfirmAsync(user.Id, begun.Enrollment!.Id, await LastCodeToAsync(begun.Enrollment.Destination!), CancellationToken.None);
        Assert.True(confirmed.Succeeded, confirmed.Error);
        return begun.Enrollment.Destination!;
    }

    public async Task<string> LastCodeToAsync(string to)
    {
        var sent = await Backend.Get<IOutboxStore>().ListAsync(50, CancellationToken.None);
        return CodeRig.CodeIn(sent.First(m => m.To == to).Text);
    }

    public async Task<IReadOnlyList<AuditEvent>> AuditAsync(string kind, string username)
    {
        var list = new List<AuditEvent>();
        await foreach (var e in Backend.Get<IAuditLog>().QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            if (e.Kind == kind && e.Username == username)
                list.Add(e);
        return list;
    }
}
