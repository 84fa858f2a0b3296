using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Radius;

namespace Imprivata.Functions.Radius;

/// <summary>How a copy of a request stands: it decides (<see cref="Exchange"/>), another copy already did (<see cref="Earlier"/>), or it is still deciding.</summary>
public sealed record RetransmissionClaim(RadiusExchange? Exchange, RadiusOutcome? Earlier)
{
    public bool Busy => Exchange is null && Earlier is null;
}

/// <summary>
/// RFC 5080 2.2.2 across edges and instances: a request forwarded twice (the edge's bridge send timed out, the gateway
/// retransmitted) is decided once. The first copy inserts the exchange row and records its outcome; another copy waits
/// briefly for that outcome and repeats it (a held push is joined, never sent again).
/// </summary>
public sealed class RadiusRetransmissions(IRadiusExchangeStore store, RadiusOptions options, TimeProvider time)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static string KeyOf(string edgeId, string nasAddress, RadiusEdge.Contract.RadiusExchange ids) =>
        Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes($"{edgeId}|{nasAddress}|{ids.Identifier}|{ids.Authenticator.ToLowerInvariant()}")));

    public async Task<RetransmissionClaim> ClaimAsync(string key, string requestId, CancellationToken ct)
    {
        var giveUpAt = time.GetUtcNow() + options.RetransmissionWait;
        while (true)
        {
            var added = await store.TryAddAsync(new RadiusExchange { Key = key, OwnerRequestId = requestId, CreatedAt = time.GetUtcNow() }, ct).ConfigureAwait(false);
            if (added is not null)
                return new(added, null);
            var existing = await store.FindAsync(key, ct).ConfigureAwait(false);
            if (existing is null)
                continue; // purged between the two calls: claim it again
            // The same message delivered again (the queue's at-least-once): its owner decides again.
            if (existing.OwnerRequestId == requestId)
                return new(existing, null);
            if (existing.Outcome is { } outcome)
                return new(null, outcome);
            if (time.GetUtcNow() >= giveUpAt)
                return new(null, null);
            await Task.Delay(Poll, time, ct).ConfigureAwait(false);
        }
    }

    public async Task RecordAsync(RadiusExchange exchange, RadiusOutcome outcome, CancellationToken ct)
    {
        var current = exchange;
        for (var attempt = 0; attempt < 4 && current is not null; attempt++)
        {
            if (await store.TryUpdateAsync(current with { Outcome = outcome }, ct).ConfigureAwait(false) is not null)
                return;
            current = await store.FindAsync(exchange.Key, ct).ConfigureAwait(false);
        }
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
