using System.Diagnostics;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Protocol.Dictionary;

namespace Imprivata.RadiusEdge.Benchmarks.Fuzz;

public sealed record FuzzResult(
    long Inputs, TimeSpan Elapsed, IReadOnlyDictionary<string, long> Verdicts, long Exceptions, IReadOnlyList<string> ExceptionSamples,
    long MemoryBefore, long MemoryAfter, IReadOnlyList<long> MemoryCheckpoints, long WorstAllocationPerInput, long Resigned)
{
    public double InputsPerSecond => Inputs / Elapsed.TotalSeconds;
}

/// <summary>
/// The million-input fuzz run: mutated valid datagrams through the full request decoder (read, verify, PAP, reveal) under
/// both client policies, then through the dictionary as the bridge describes attributes. Counts verdicts and exceptions,
/// and samples managed memory after full collections to show it does not grow with the number of inputs.
/// </summary>
public static class FuzzJob
{
    public static FuzzResult Run(int inputs, int seed)
    {
        var secret = "fuzzing-shared-secret-0123"u8.ToArray();
        var strict = new ClientPolicy(secret);
        var lax = new ClientPolicy(secret, RequireMessageAuthenticator: false, LimitProxyState: false);
        var seeds = FuzzSeeds.Build(secret);
        var random = new Random(seed);
        var mutator = new PacketMutator(random, secret);
        var dictionary = RadiusDictionary.Default;
        var verdicts = new long[Enum.GetValues<RadiusFailure>().Max(f => (int)f) + 1];
        var exceptions = 0L;
        var samples = new List<string>();
        var checkpoints = new List<long>();
        long worst = 0;

        var before = SettledMemory();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < inputs; i++)
        {
            var datagram = mutator.Mutate(seeds[random.Next(seeds.Length)]);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var result = AccessRequestDecoder.Decode(datagram, (i & 1) == 0 ? strict : lax);
                verdicts[(int)result.Failure]++;
                if (result.IsSuccess)
                    foreach (var attribute in result.Value.Packet.Attributes)
                        _ = dictionary.Describe(attribute);
            }
            catch (Exception ex)
            {
                exceptions++;
                if (samples.Count < 5)
                    samples.Add($"{ex.GetType().Name}: {ex.Message} <- {Convert.ToHexString(datagram.AsSpan(0, Math.Min(datagram.Length, 64)))}");
            }
            worst = Math.Max(worst, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
            if ((i + 1) % (inputs / 4) == 0)
                checkpoints.Add(SettledMemory());
        }
        clock.Stop();
        var after = SettledMemory();

        var histogram = Enum.GetValues<RadiusFailure>()
            .Where(f => verdicts[(int)f] > 0)
            .ToDictionary(f => f == RadiusFailure.None ? "Success" : f.ToString(), f => verdicts[(int)f]);
        return new FuzzResult(inputs, clock.Elapsed, histogram, exceptions, samples, before, after, checkpoints, worst, mutator.Resigned);
    }

    private static long SettledMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
