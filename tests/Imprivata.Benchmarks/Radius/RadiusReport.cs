namespace Imprivata.Benchmarks.Radius;

/// <summary>Prints the RADIUS figures: both servers side by side, CPU per request by process, the issue's targets.</summary>
public static class RadiusReport
{
    public const string Machine = "machine";
    public const string Radclient = "radclient";

    private static string F(double v, string format = "0.0") => Report.F(v, format);

    private static readonly string Columns = $"{"server",-16} {"driver",-13} | {"offered/s",9} {"achieved/s",10} | {"p50 ms",7} {"p90 ms",7} {"p99 ms",7} {"max ms",8} | {"accept",6} {"other",5} {"lost",5} | {"CPU ms/request: backend",23} {"edge",6} {"Azurite",7} {"FreeRADIUS",10} {"radclient",9} | {"machine busy",12}";

    public static void RatesHeader()
    {
        Console.WriteLine();
        Console.WriteLine($"Password-only decisions at a fixed offered rate for {RadiusBenchmark.Duration.TotalSeconds:0} s, {RadiusBenchmark.PasswordUsers} users in turn " +
                          "(each row printed when measured):");
        Console.WriteLine(Columns);
        Console.WriteLine(new string('-', Columns.Length));
    }

    public static RateRun Row(RateRun r)
    {
        double Cpu(string process) => r.CpuMs.GetValueOrDefault(process, double.NaN) / r.Requests;
        Console.WriteLine($"{r.Server,-16} {r.Driver,-13} | {F(r.Offered),9} {F(r.Achieved),10} | {F(r.P50),7} {F(r.P90),7} {F(r.P99),7} {F(r.Max),8} | " +
                          $"{r.Accepted,6} {r.Other,5} {r.Lost,5} | {F(Cpu(RadiusBenchmark.Backend), "0.00"),23} {F(Cpu(RadiusBenchmark.Edge), "0.00"),6} " +
                          $"{F(Cpu(RadiusBenchmark.AzuriteName), "0.00"),7} {F(Cpu(RadiusBenchmark.FreeRadius), "0.00"),10} {F(Cpu(Radclient), "0.00"),9} | " +
                          $"{F(BusyShare(r.CpuMs, r.CpuSeconds) * 100, "0") + "%",12}");
        return r;
    }

    /// <summary>The backend's Azurite round trips per decision in the light run, the most frequent first.</summary>
    public static void StorageCalls(IReadOnlyDictionary<string, int> calls, RateRun run, double seconds)
    {
        var decisions = run.Accepted + run.Other;
        var total = calls.Values.Sum();
        Console.WriteLine($"  The backend's Azurite round trips in the {F(run.Offered, "0")}/s run ({seconds:0} s, warm-up included): {total} for {decisions} decisions, " +
                          $"{F(total / (double)Math.Max(1, decisions), "0.0")} per decision, polls of empty queues included:");
        foreach (var (call, n) in calls.OrderByDescending(c => c.Value).Take(14))
            Console.WriteLine($"    {F(n / (double)Math.Max(1, decisions), "0.00"),6} per decision  ({n / seconds,6:0.0}/s)  {call}");
    }

    public static void RatesFooter(IReadOnlyList<RateRun> runs, double argon2Ms)
    {
        Console.WriteLine("  timing client: our own UDP client on the edge's codec, open loop, no retransmission, lost = no reply 10 s after the last send;");
        Console.WriteLine($"  radclient: -n <rate> -p {RadclientLoad.Parallel} -t 5 -r 1 over the same requests, each timed from its 'Sent' line to its 'Received' line;");
        Console.WriteLine($"  radclient*: stopped {RadiusBenchmark.Duration.TotalSeconds + 25:0} s after it started, unfinished (what had no reply then is lost);");
        Console.WriteLine("  achieved = replies per second from the first send to the last reply; CPU from /proc (10 ms ticks); 'backend' is this process");
        Console.WriteLine("  (the backend and, in timing-client rows, the timing client); machine busy = all processes' CPU over all cores while measured.");
        var light = runs[^1];
        var backendCpu = light.CpuMs.GetValueOrDefault(RadiusBenchmark.Backend, double.NaN) / light.Requests;
        Console.WriteLine($"  The backend checks each password with Argon2id ({F(argon2Ms)} ms of CPU; {F(backendCpu)} ms of backend CPU per request in the last row, which the CPU kept up with):");
        Console.WriteLine($"  {Environment.ProcessorCount} cores hash at most about {F(Environment.ProcessorCount * 1000 / argon2Ms, "0")} passwords/s with nothing else running. " +
                          "FreeRADIUS compares the clear-text password from its users file.");
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
