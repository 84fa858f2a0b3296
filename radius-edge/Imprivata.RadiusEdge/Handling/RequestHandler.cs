using System.Net;
using System.Security.Cryptography;
using Imprivata.RadiusEdge.Bridge;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Ldap;
using Imprivata.RadiusEdge.Logging;
using Imprivata.RadiusEdge.Management;
using Imprivata.RadiusEdge.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Handling;

/// <summary>
/// One datagram, in order: find the client by source address -> decode and verify (codec) -> duplicate check
/// (RFC 5080) -> answer locally (Status-Server, unsupported method) or hand to the backend and wait (pending table).
/// </summary>
public sealed class RequestHandler(
    NasClientDirectory clients,
    DuplicateCache duplicates,
    PendingTable pending,
    IBridge bridge,
    BridgeRequestFactory requests,
    FirstFactorStep firstFactors,
    ReplyBuilder replies,
    IReplySender sender,
    ExchangeLog exchange,
    IOptions<EdgeOptions> options,
    TimeProvider time,
    EdgeStatus status,
    ILogger<RequestHandler> logger)
{
    /// <summary>The Reply-Message of every Access-Request while the console has stopped this edge.</summary>
    public const string StoppedMessage = "Remote access is stopped on this server";
    private readonly EdgeOptions _options = options.Value;

    public async Task HandleAsync(ReadOnlyMemory<byte> datagram, IPEndPoint source, CancellationToken cancellationToken)
    {
        // RFC 2865 §3: a request from an address that is not a configured client is silently discarded.
        var client = clients.Find(source.Address);
        if (client is null)
        {
            exchange.UnknownNas(source.Address);
            return;
        }

        // A revoked edge answers nothing: the console no longer vouches for it (the reason is in the log and the health).
        if (status.Revoked)
        {
            exchange.Dropped(source, client.Name, datagram.Length > 1 ? datagram.Span[1] : null, "edge_revoked");
            return;
        }

        // Authenticity first (a forged packet must not even reach the duplicate cache), then the duplicate rule, and only
        // then is the password revealed: a retransmission never reveals it again.
        var verified = AccessRequestDecoder.ReadAndVerify(datagram.Span, client.Policy, client.SecondPolicy, out var secret);
        if (!verified.IsSuccess)
        {
            exchange.Dropped(source, client.Name, datagram.Length > 1 ? datagram.Span[1] : null, RadiusFailures.Code(verified.Failure));
            return;
        }
        // From here on (reveal, reply, and a decision's reply later) the secret is the one the request verified with.
        if (!ReferenceEquals(secret, client.Policy))
            client = client with { Policy = secret, SecondPolicy = null };
        var packet = verified.Value;
        var key = RequestKey.Of(source, packet);
        if (!await ApplyDuplicateRuleAsync(key, packet, source, client, cancellationToken))
            return;

        // Stopped from the console: an authentic Access-Request is rejected here, with a reason the user can read.
        if (status.Stopped && packet.Code == RadiusCode.AccessRequest)
        {
            await ReplyNowAsync(key, RadiusCode.AccessReject, packet, source, client, null, "edge_stopped", cancellationToken, StoppedMessage);
            return;
        }

        var decoded = AccessRequestDecoder.Reveal(packet, client.Policy);
        try
        {
            await HandleNewAsync(decoded, key, packet, source, client, cancellationToken);
        }
        finally
        {
            // The revealed PAP password leaves memory on every path: rejects and forwarded requests alike.
            if (decoded.IsSuccess)
                CryptographicOperations.ZeroMemory(decoded.Value.Password);
        }
    }

    private async Task HandleNewAsync(RadiusResult<DecodedRequest> decoded, RequestKey key, RadiusPacket packet, IPEndPoint source, NasClient client,
        CancellationToken cancellationToken)
    {
        if (!decoded.IsSuccess)
        {
            if (RadiusFailures.Action(decoded.Failure) == RadiusFailureAction.Drop)
            {
                // Not answered and not remembered: the retransmission is judged again, like the first copy.
                duplicates.Forget(key);
                exchange.Dropped(source, client.Name, packet.Identifier, RadiusFailures.Code(decoded.Failure));
                return;
            }
            await ReplyNowAsync(key, RadiusCode.AccessReject, packet, source, client, null, RadiusFailures.Code(decoded.Failure), cancellationToken);
            return;
        }
        var request = decoded.Value;
        // RFC 5997 §3: Status-Server (with a valid Message-Authenticator, checked by the codec) gets Access-Accept.
        if (request.IsStatusServer)
        {
            await ReplyNowAsync(key, RadiusCode.AccessAccept, packet, source, client, null, "status_server", cancellationToken);
            return;
        }
        await ForwardAsync(key, request, source, client, cancellationToken);
    }

    /// <summary>True when the request is new; otherwise the duplicate is dropped or answered from the cache.</summary>
    private async Task<bool> ApplyDuplicateRuleAsync(RequestKey key, RadiusPacket packet, IPEndPoint source, NasClient client, CancellationToken ct)
    {
        // While pending, an entry must outlive the longest possible wait: the decision timeout, then holds up to MaxHold.
        var lookup = duplicates.Begin(key, _options.DecisionTimeout + _options.MaxHold);
        switch (lookup.Status)
        {
            case DuplicateStatus.New:
                return true;
            case DuplicateStatus.Replied:
                // RFC 5080 §2.2.2: after the reply, a retransmission gets the same reply, byte for byte.
                await sender.SendAsync(lookup.Reply!, source, ct);
                exchange.Resent(packet.Identifier, source, client.Name);
                return false;
            default:
                // RFC 5080 §2.2.2: while pending (or after choosing silence), a retransmission is dropped.
                exchange.Dropped(source, client.Name, packet.Identifier, lookup.Status switch
                {
                    DuplicateStatus.InProgress => "duplicate_in_progress",
                    DuplicateStatus.Unanswered => "duplicate_unanswered",
                    _ => "duplicate_cache_full",
                });
                return false;
        }
    }

    private async Task ReplyNowAsync(RequestKey key, RadiusCode code, RadiusPacket packet, IPEndPoint source, NasClient client,
        string? user, string reason, CancellationToken ct, string? replyMessage = null)
    {
        var reply = replies.Build(code, packet, client.Policy, replyMessage);
        duplicates.Complete(key, reply);
        await sender.SendAsync(reply, source, ct);
        exchange.Sent(code, packet.Identifier, source, client.Name, user ?? packet.FindString(RadiusAttributeType.UserName), null, reason);
    }

    private async Task ForwardAsync(RequestKey key, DecodedRequest request, IPEndPoint source, NasClient client, CancellationToken ct)
    {
        var requestId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = time.GetUtcNow();
        var entry = new PendingRequest(requestId, key, source, client, request.Packet, request.UserName, now, now + _options.DecisionTimeout);
        exchange.Received(request.Packet, source, client.Name, request.UserName, requestId);
        var firstFactor = await firstFactors.ApplyAsync(request, client, ct);
        if (firstFactor.Unavailable is { } unavailable)
        {
            await DirectoryUnavailableAsync(key, request, source, client, requestId, unavailable, ct);
            return;
        }
        // A connected edge without a configured key seals to the console's; until it has one, no password can leave.
        if (firstFactor.SendPassword && request.Password is not null && !requests.CanSeal)
        {
            duplicates.Forget(key);
            exchange.NoAnswer(source, client.Name, request.UserName, requestId, "seal_key_unavailable");
            status.Error("seal-key: none yet; passwords cannot be sealed");
            return;
        }
        if (!pending.TryAdd(entry))
        {
            duplicates.Forget(key);
            exchange.Dropped(source, client.Name, request.Packet.Identifier, "pending_table_full", requestId);
            status.Error("edge: pending table full");
            return;
        }
        // A send that hangs must not hold a listener slot forever: the NAS retries anyway (RFC 5080 2.2.1).
        using var sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        sendTimeout.CancelAfter(_options.BridgeSendTimeout);
        try
        {
            var message = requests.Create(requestId, request, client, source, entry.ReceivedAt, entry.Deadline, firstFactor);
            await bridge.SendAsync(message, sendTimeout.Token);
        }
        catch (BridgeRefusedException ex)
        {
            // Certainly not delivered: forget the request entirely so that the NAS's retransmission is tried again.
            pending.TryTake(requestId, out _);
            duplicates.Forget(key);
            logger.LogWarning("Bridge refused request {RequestId}: {Reason}", requestId, ex.Message);
            status.Error("bridge: send refused");
            exchange.Dropped(source, client.Name, request.Packet.Identifier, "bridge_unavailable", requestId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A timed-out or broken send may still land. RFC 5080 §2.2.2: a retransmission is not processed again, so the
            // request stays pending (and its duplicate entry live) until its deadline: the NAS's retries are duplicates,
            // never a second bridge message, and a decision that does come is still answered.
            status.Error(ex is OperationCanceledException ? "bridge: send timed out" : "bridge: send failed (" + ex.GetType().Name + ")");
            if (ex is OperationCanceledException)
                logger.LogWarning("Bridge send for request {RequestId} timed out after {Timeout}; waiting for a decision until the deadline",
                    requestId, _options.BridgeSendTimeout);
            else
                logger.LogWarning(ex, "Bridge send failed for request {RequestId}; waiting for a decision until the deadline", requestId);
        }
    }

    /// <summary>The LDAP directory could not be asked: no answer (the NAS fails over) or Access-Reject, per the profile.</summary>
    private async Task DirectoryUnavailableAsync(RequestKey key, DecodedRequest request, IPEndPoint source, NasClient client, string requestId,
        DirectoryVerdict verdict, CancellationToken ct)
    {
        status.Error($"ldap: directory {client.LdapProfile} unavailable");
        if (verdict.WhenUnavailable == DirectoryUnavailable.Reject)
        {
            await ReplyNowAsync(key, RadiusCode.AccessReject, request.Packet, source, client, request.UserName, "directory_unavailable", ct);
            return;
        }
        // Nothing reached the backend: a retransmission may find the directory back.
        duplicates.Forget(key);
        exchange.NoAnswer(source, client.Name, request.UserName, requestId, "directory_unavailable");
    }
}
