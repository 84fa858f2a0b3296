using System.Text.Json.Nodes;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.RadiusEdge.Contract;
using Imprivata.Testing.Radius;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>
/// One real backend per test class (tests of a class run one after another) and an edge double on the bridge. Each test
/// makes its own users and client, so classes can share the backend's tables.
/// </summary>
public sealed class RadiusWorld : IAsyncLifetime
{
    public RadiusBackend Backend { get; private set; } = default!;
    public BridgeEdge Edge { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Backend = await RadiusBackend.StartAsync();
        Edge = await BridgeEdge.ConnectAsync(Backend);
    }

    public Task DisposeAsync() => Backend.DisposeAsync().AsTask();

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A client profile with a fresh name (the default: directory passwords, challenges shown, 30 s pushes).</summary>
    public async Task<RadiusClientProfile> ClientAsync(Func<RadiusClientProfile, RadiusClientProfile>? change = null)
    {
        var profile = new RadiusClientProfile { Name = Unique("vpn") };
        profile = change?.Invoke(profile) ?? profile;
        await Backend.SaveClientAsync(profile);
        return profile;
    }

    public async Task<Decision> AskAsync(string user, string? password, RadiusClientProfile client, string? state = null, string nas = "127.0.0.1",
        Action<JsonObject>? change = null, bool stopAtHold = false)
    {
        var request = Edge.Request(user, password, client.Name, nas, state);
        change?.Invoke(request);
        return await Edge.AskAsync(request, stopAtHold);
    }

    /// <summary>Confirms a phone number for SMS codes, reading the enrollment code from the outbox.</summary>
    public async Task<string> EnrollPhoneAsync(DirectoryUser user, string phone = "+15551230000")
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

    /// <summary>The user's current TOTP code from an approver's seed (the approver shows token codes too).</summary>
    public static string TotpOf(ApproverPhone phone) =>
        Core.Mfa.Otp.OtpCode.Compute(phone.TotpSeed, new OtpParameters(), Core.Mfa.Otp.OtpCode.TimeStep(DateTimeOffset.UtcNow, 30));

    public async Task<IReadOnlyList<AuditEvent>> AuditAsync(string kindPrefix, string? username = null)
    {
        var list = new List<AuditEvent>();
        await foreach (var e in Backend.Get<IAuditLog>().QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            if (e.Kind.StartsWith(kindPrefix, StringComparison.Ordinal) && (username is null || e.Username == username))
                list.Add(e);
        return list;
    }
}
