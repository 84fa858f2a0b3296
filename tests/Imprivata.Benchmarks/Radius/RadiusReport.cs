namespace Imprivata.Benchmarks.Radius;

/// <summary>Prints the RADIUS figures: both servers side by side, CPU per request by process, the issue's targets.</summary>
public static class RadiusReport
{
    public const string Machine = "machine";
    public const string Radclient = "radclient";
    private static readonly string[] Processes = [RadiusBenchmark.Backend, RadiusBenchmark.Edge, RadiusBenchmark.AzuriteName, RadiusBenchmark.FreeRadius, Radclient];

    private static string F(double v, string format = "0.0") => Report.F(v, format);

    public static void Rates(IReadOnlyList<RateRun> runs)
    {
        Console.WriteLine();
        Console.WriteLine($"Password-only decisions, fixed offered rate {RadiusBenchmark.Rate}/s for {RadiusBenchmark.Duration.TotalSeconds:0} s, {RadiusBenchmark.PasswordUsers} users in turn:");
        Console.WriteLine($"{"server",-16} {"driver",-13} | {"offered/s",9} {"achieved/s",10} | {"p50 ms",7} {"p90 ms",7} {"p99 ms",7} {"max ms",7} | {"accept",6} {"other",5} {"lost",5}");
        Console.WriteLine(new string('-', 104));
        foreach (var r in runs)
            Console.WriteLine($"{r.Server,-16} {r.Driver,-13} | {F(r.Offered),9} {F(r.Achieved),10} | {F(r.P50),7} {F(r.P90),7} {F(r.P99),7} {F(r.Max),7} | {r.Accepted,6} {r.Other,5} {r.Lost,5}");
        Console.WriteLine("  timing client: our own UDP client on the edge's codec, open loop, no retransmission, lost = no reply 10 s after the last send;");
        Console.WriteLine($"  radclient: -n {RadiusBenchmark.Rate} -p {RadclientLoad.Parallel} -t 5 -r 1 over the same requests, its own summary (it prints no per-request times);");
        Console.WriteLine("  achieved = replies per second from the first send to the last reply.");

        Console.WriteLine();
        Console.WriteLine("CPU ms per request by process (from /proc, 10 ms ticks), and the whole machine's busy share while measured:");
        Console.WriteLine($"{"server",-16} {"driver",-13} | " + string.Join(" ", Processes.Select(p => $"{p,10}")) + $" | {"machine busy",12}");
        foreach (var r in runs)
        {
            var row = string.Join(" ", Processes.Select(p => $"{F(r.CpuMs.GetValueOrDefault(p, double.NaN) / r.Requests, "0.00"),10}"));
            Console.WriteLine($"{r.Server,-16} {r.Driver,-13} | {row} | {F(BusyShare(r.CpuMs, r.Requests / r.Offered), "0%"),12}");
        }
        Console.WriteLine($"  '{RadiusBenchmark.Backend}' is this process: the backend and the timing client (or, for radclient, only the backend);");
        Console.WriteLine($"  the backend hashes each password with Argon2id (m=7 MiB, t=5); FreeRADIUS compares a clear-text password from its users file.");
    }

    private static double BusyShare(IReadOnlyDictionary<string, double> cpu, double seconds) =>
        cpu.GetValueOrDefault(Machine, double.NaN) / (seconds * 1000 * Environment.ProcessorCount);

    public static bool RateTargets(RateRun timed, RateRun radclient)
    {
        Console.WriteLine();
        var p50 = timed.P50 <= RadiusBenchmark.P50TargetMs;
        var p99 = timed.P99 <= RadiusBenchmark.P99TargetMs;
        var all = timed.Lost == 0 && timed.Other == 0 && radclient.Lost == 0 && radclient.Other == 0 && radclient.Achieved >= 0.95 * RadiusBenchmark.Rate;
        Console.WriteLine($"Target: edge + backend at {RadiusBenchmark.Rate}/s, all accepted, none lost (both drivers): " +
                          $"timing client {timed.Accepted}/{timed.Requests}, radclient {radclient.Accepted}/{radclient.Requests} at {F(radclient.Achieved)}/s -> {Verdict(all)}");
        Console.WriteLine($"Target: p50 <= {RadiusBenchmark.P50TargetMs:0} ms: {F(timed.P50)} ms -> {Verdict(p50)}");
        Console.WriteLine($"Target: p99 <= {RadiusBenchmark.P99TargetMs:0} ms: {F(timed.P99)} ms -> {Verdict(p99)}");
        return p50 && p99 && all;
    }

    public static bool Held(HeldPushesResult h, IReadOnlyDictionary<string, double> cpu)
    {
        Console.WriteLine();
        Console.WriteLine($"Held pushes: {h.Requests} requests, approved at random times within 30 s (done in {h.Elapsed.TotalSeconds:0} s):");
        Console.WriteLine($"  accepted {h.Accepted}, other answers {h.OtherAnswers}, lost {h.Lost}, late {h.Late} (after sent + {HeldPushes.DecisionTimeout.TotalSeconds:0} s), " +
                          $"answered before approval {h.AnsweredBeforeApproval}");
        Console.WriteLine($"  duplicates: replies beyond the first {h.ExtraReplies} (to gateway retransmissions), conflicting replies {h.ConflictingReplies}; " +
                          $"users with more than one push {h.UsersWithMoreThanOnePush}, without a push {h.UsersWithoutPush}");
        Console.WriteLine($"  approval -> Access-Accept at the gateway: p50 {F(h.ApprovalToAnswerP50)} ms, p99 {F(h.ApprovalToAnswerP99)} ms, max {F(h.ApprovalToAnswerMax)} ms; " +
                          $"{h.Retransmissions} gateway retransmissions (every 10 s while unanswered), {h.BadReplies} bad replies, " +
                          $"{h.PushNotYetShown} pushes not yet on the phone when it came to approve, {h.ApprovalsFailed} approvals failed");
        Console.WriteLine("  CPU seconds by process over the phase: " + string.Join(", ",
            cpu.Where(c => c.Key != Machine).Select(c => $"{c.Key} {F(c.Value / 1000, "0.0")}")) +
            $"; machine busy {F(BusyShare(cpu, h.Elapsed.TotalSeconds), "0%")}");
        var met = h.Accepted == h.Requests && h.Lost == 0 && h.Late == 0 && h.AnsweredBeforeApproval == 0 && h.ConflictingReplies == 0
                  && h.UsersWithMoreThanOnePush == 0 && h.UsersWithoutPush == 0;
        Console.WriteLine($"Target: {h.Requests} held pushes all accepted, zero lost, duplicated or late -> {Verdict(met)}");
        return met;
    }

    private static string Verdict(bool met) => met ? "MET" : "MISSED";
}
