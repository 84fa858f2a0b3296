using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Logging;
using Imprivata.RadiusEdge.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Handling;

/// <summary>Applies the backend's decision to its pending request: answer (once), extend the hold, or stay silent.</summary>
public sealed class DecisionHandler(
    PendingTable pending,
    DuplicateCache duplicates,
    ReplyBuilder replies,
    IReplySender sender,
    ExchangeLog exchange,
    IOptions<EdgeOptions> options,
    TimeProvider time,
    ILogger<DecisionHandler> logger)
{
    private const int MinStateOctets = 16;

    public async Task HandleAsync(Decision decision, CancellationToken cancellationToken)
    {
        if (decision.Version != BridgeContract.Version || decision.Type != BridgeContract.DecisionType ||
            decision.EdgeId != options.Value.EdgeId)
        {
            logger.LogWarning("Decision for {RequestId} ignored: version {Version}, type {Type}, edge {EdgeId}",
                decision.RequestId, decision.Version, decision.Type, decision.EdgeId);
            return;
        }
        if (decision.Kind == DecisionKind.Hold)
        {
            Hold(decision);
            return;
        }
        // Whoever takes the request answers it: a decision after the deadline finds nothing and is ignored.
        if (!pending.TryTake(decision.RequestId, out var request))
        {
            logger.LogWarning("Late or unknown decision {Kind} for request {RequestId} ignored", decision.Kind, decision.RequestId);
            return;
        }
        var reason = decision.Reason ?? decision.Kind.ToString().ToLowerInvariant();
        if (decision.Kind == DecisionKind.Silent)
        {
            duplicates.Complete(request.Key, null);
            exchange.NoAnswer(request.Source, request.Client.Name, request.UserName, request.RequestId, "silent:" + reason);
            return;
        }

        var (code, state) = Classify(decision, ref reason);
        var reply = replies.Build(code, request.Packet, request.Client.Policy,
            code == RadiusCode.AccessReject && reason == "invalid_decision" ? null : decision.ReplyMessage, state, decision.Attributes);
        duplicates.Complete(request.Key, reply);
        await sender.SendAsync(reply, request.Source, cancellationToken);
        exchange.Sent(code, request.Packet.Identifier, request.Source, request.Client.Name, request.UserName, request.RequestId, reason);
    }

    private void Hold(Decision decision)
    {
        // Capped by MaxHold from the first hold's arrival, so a confused backend cannot keep a request forever.
        var now = time.GetUtcNow();
        var until = decision.HoldUntil ?? now + options.Value.DecisionTimeout;
        if (!pending.TryHold(decision.RequestId, until, options.Value.MaxHold, now))
            logger.LogWarning("Hold for request {RequestId} ignored: no longer pending", decision.RequestId);
    }

    /// <summary>Maps the decision to a reply code; a challenge without a usable State fails closed to Access-Reject.</summary>
    private static (RadiusCode Code, ReadOnlyMemory<byte>? State) Classify(Decision decision, ref string reason)
    {
        switch (decision.Kind)
        {
            case DecisionKind.Accept:
                return (RadiusCode.AccessAccept, null);
            case DecisionKind.Challenge:
                // RFC 2865 §5.24 with the checklist: State carries at least 16 random octets.
                var state = TryBase64(decision.State);
                if (state is { Length: >= MinStateOctets and <= 253 })
                    return (RadiusCode.AccessChallenge, state);
                reason = "invalid_decision";
                return (RadiusCode.AccessReject, null);
            default:
                return (RadiusCode.AccessReject, null);
        }
    }

    private static byte[]? TryBase64(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
