using System.Collections.Concurrent;
using System.Security.Cryptography;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;
using Imprivata.Functions.Tests.Admin;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Functions.Tests.Mfa.Push;

/// <summary>
/// Push approval over real stores on Azurite (fresh tables), a fake clock, an in-memory audit log and a recording deadline
/// scheduler; <see cref="Phone"/> plays an approver device with its own P-256 key.
/// </summary>
internal sealed class PushWorld
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);
    public InMemoryAuditLog Audit { get; } = new();
    public RecordingDeadlines Deadlines { get; } = new();
    public TableSet Tables { get; }
    public TablePushChallengeStore Store { get; }
    public TableEnrollmentStore Enrollments { get; }
    public PushOptions Options { get; } = new();
    public PushApproval Push { get; }

    public PushWorld()
    {
        Tables = new TableSet(Azurite.NewTables());
        Store = new TablePushChallengeStore(Tables);
        Enrollments = new TableEnrollmentStore(Tables, new TableSecretProtector(new SecretKeys(Tables)));
        Push = new PushApproval(Store, Enrollments, Deadlines, Audit, Time, Options);
    }

    public async Task<Phone> EnrollPhoneAsync(string userId)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var enrollment = await Enrollments.AddAsync(new Enrollment
        {
            Id = "dev-" + Guid.NewGuid().ToString("N")[..8],
            UserId = userId,
            Factor = Factor.Push,
            Label = "Test phone",
            CreatedAt = Time.GetUtcNow(),
            Confirmed = true,
            Secret = RandomNumberGenerator.GetBytes(20),
            PublicKey = key.ExportSubjectPublicKeyInfo(),
        }, CancellationToken.None);
        return new Phone(enrollment, key);
    }

    public Task<PushSendResult> SendAsync(string userId, bool numberMatching = false, string? enrollmentId = null) =>
        Push.SendAsync(new PushRequest
        {
            UserId = userId,
            Username = userId + "@example.org",
            EnrollmentId = enrollmentId,
            AppName = "Payroll",
            ClientIp = "203.0.113.7",
            NumberMatching = numberMatching,
        }, CancellationToken.None);

    public Task<PushDecisionResult> DecideAsync(Phone phone, string challengeId, PushDecisionKind kind, string? number = null) =>
        Push.DecideAsync(phone.Decision(challengeId, kind, number), CancellationToken.None);

    public async Task<PushChallenge> ChallengeAsync(string id) => (await Store.FindAsync(id, CancellationToken.None))!;

    public IReadOnlyList<Core.Audit.AuditEvent> Events(string kind)
    {
        lock (Audit.Events)
            return [.. Audit.Events.Where(e => e.Kind == kind)];
    }
}

internal sealed record Phone(Enrollment Enrollment, ECDsa Key)
{
    public byte[] Sign(byte[] data) => Key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public PushDecision Decision(string challengeId, PushDecisionKind kind, string? number = null) => new()
    {
        ChallengeId = challengeId,
        Kind = kind,
        EnteredNumber = number,
        Signature = Sign(PushSignature.DecisionBytes(challengeId, kind, number)),
        DeviceIp = "198.51.100.20",
    };
}

internal sealed class RecordingDeadlines : IPushDeadlineScheduler
{
    public ConcurrentQueue<(string ChallengeId, DateTimeOffset DueAt)> Scheduled { get; } = new();

    public Task ScheduleAsync(string challengeId, DateTimeOffset dueAt, CancellationToken ct)
    {
        Scheduled.Enqueue((challengeId, dueAt));
        return Task.CompletedTask;
    }
}
