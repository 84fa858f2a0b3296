using System.Diagnostics;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.Testing.Radius;

namespace Imprivata.Benchmarks.Radius;

public sealed record HeldPushesResult(
    int Requests, int Accepted, int OtherAnswers, int Lost, int Late, int AnsweredBeforeApproval, int ExtraReplies, int ConflictingReplies,
    int ApprovalsFailed, int PushNotYetShown, int UsersWithoutPush, int UsersWithMoreThanOnePush, long Retransmissions, long BadReplies,
    double ApprovalToAnswerP50, double ApprovalToAnswerP99, double ApprovalToAnswerMax, TimeSpan Elapsed);

/// <summary>
/// 1,000 concurrent Access-Requests for users with a push approver, sent over 2 s through the edge and held by the backend
/// while the push is out; each phone approves at a random time within 30 s of its request (the approver API, as the
/// end-to-end tests do), looking every 2 s until the push is there when it was not yet. The gateway retransmits every 10 s while unanswered. Counted per request: accepted, lost (no
/// answer by the deadline), late (first answer after the request's deadline, sent + the edge's DecisionTimeout),
/// answered before its approval, replies beyond the first; per user, pushes sent (audit push.send): none or more than one
/// is a duplicate or a loss at the backend.
/// </summary>
public static class HeldPushes
{
    public static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(35);
    private static readonly TimeSpan ApproveWithin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GatewayRetry = TimeSpan.FromSeconds(10);
    // As the approver page does (approve.js POLL_MS): 1,000 phones polling faster would load the backend more than the pushes do.
    private static readonly TimeSpan PhonePoll = TimeSpan.FromSeconds(2);

    public static async Task<HeldPushesResult> RunAsync(RadiusBackend backend, EdgeProcess edge, IReadOnlyList<ApproverPhone> phones,
        IReadOnlyList<DirectoryUser> users)
    {
        var n = phones.Count;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var client = new NasClient(edge.Port, n, RadiusBenchmark.Secret);
        var random = new Random(4242);
        var approveAfter = Enumerable.Range(0, n).Select(_ => TimeSpan.FromMilliseconds(random.NextDouble() * ApproveWithin.TotalMilliseconds)).ToArray();
        var approvedAt = new long[n];
        int failed = 0, notYetShown = 0;

        var approvals = new Task[n];
        for (var i = 0; i < n; i++)
        {
            client.Send(i, users[i].Username, RadiusBackend.Password);
            approvals[i] = ApproveAsync(i);
            if (i % 10 == 9)
                await Task.Delay(20); // 1,000 over about 2 s
        }

        async Task ApproveAsync(int i)
        {
            var slot = client.Slots[i];
            var due = Stopwatch.GetElapsedTime(slot.FirstSentAt);
            if (approveAfter[i] > due)
                await Task.Delay(approveAfter[i] - due);
            try
            {
                var first = true;
                while (true)
                {
                    var pending = await phones[i].PendingAsync();
                    if (pending.FirstOrDefault() is { } shown)
                    {
                        approvedAt[i] = Stopwatch.GetTimestamp();
                        var decided = await phones[i].DecideAsync(shown.Id, "approve");
                        if (decided is null)
                            Interlocked.Increment(ref failed);
                        return;
                    }
                    if (first)
                        Interlocked.Increment(ref notYetShown);
                    first = false;
                    if (Stopwatch.GetElapsedTime(slot.FirstSentAt) > DecisionTimeout)
                    {
                        Interlocked.Increment(ref failed);
                        return;
                    }
                    await Task.Delay(PhonePoll);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref failed);
            }
        }

        var lastSent = clock.Elapsed;
        while (client.AnsweredCount(0, n) < n && clock.Elapsed < lastSent + DecisionTimeout + TimeSpan.FromSeconds(5))
        {
            client.RetransmitUnanswered(GatewayRetry);
            await Task.Delay(200);
        }
        await Task.WhenAll(approvals);
        await Task.Delay(1000); // replies still on their way are counted too
        var elapsed = clock.Elapsed;

        var pushes = new Dictionary<string, int>();
        await foreach (var e in backend.Get<IAuditLog>().QueryAsync(started.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            if (e.Kind == AuditKinds.PushSend && e.Result == AuditResults.Success && e.Username is { } name)
                pushes[name] = pushes.GetValueOrDefault(name) + 1;

        int accepted = 0, other = 0, lost = 0, late = 0, early = 0, extra = 0, conflicting = 0;
        var toAnswer = new List<double>();
        for (var i = 0; i < n; i++)
        {
            var s = client.Slots[i];
            if (!s.Answered)
            {
                lost++;
                continue;
            }
            var (at, code) = s.Replies[0];
            if (code == RadiusCode.AccessAccept)
                accepted++;
            else
                other++;
            if (Stopwatch.GetElapsedTime(s.FirstSentAt, at) > DecisionTimeout)
                late++;
            if (approvedAt[i] == 0 || at < approvedAt[i])
                early++; // before the phone sent its decision
            else
                toAnswer.Add(Stopwatch.GetElapsedTime(approvedAt[i], at).TotalMilliseconds);
            extra += s.Replies.Count - 1;
            if (s.Replies.Select(r => r.Code).Distinct().Count() > 1)
                conflicting++;
        }
        var sorted = toAnswer.Order().ToArray();
        return new HeldPushesResult(n, accepted, other, lost, late, early, extra, conflicting, failed, notYetShown,
            users.Count(u => pushes.GetValueOrDefault(u.Username) == 0), users.Count(u => pushes.GetValueOrDefault(u.Username) > 1),
            client.Retransmissions, client.BadReplies,
            OpenLoop.Percentile(sorted, 50), OpenLoop.Percentile(sorted, 99), sorted.Length == 0 ? double.NaN : sorted[^1], elapsed);
    }
}
