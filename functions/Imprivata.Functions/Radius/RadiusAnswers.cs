using System.Globalization;
using Imprivata.Core.Audit;
using Imprivata.Core.Radius;
using Imprivata.Core.Telemetry;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.Functions.Radius;

/// <summary>Who and where an answer is about, for its audit event.</summary>
public sealed record RadiusAuditSubject(string? Username, string? ClientName, string? NasName, string? NasAddress)
{
    public static RadiusAuditSubject Of(RadiusAuthenticate r) => new(r.UserName, r.Client, r.Nas?.Name, r.NasAddress);
}

/// <summary>
/// The one place where a RADIUS decision is final and leaves the backend: every answer (first reply, a retransmission's
/// repeat, a held push's outcome) is audited here, then sent to its edge. Each first answer also moves the RADIUS decision counter.
/// </summary>
public sealed partial class RadiusAnswers(IRadiusReplyChannel channel, IAuditLog audit, AuditedUsernames usernames, SecurityMetrics metrics,
    TimeProvider time, ILogger<RadiusAnswers> logger)
{
    public async Task SendAsync(RadiusReplyTo to, RadiusOutcome outcome, RadiusAuditSubject subject, CancellationToken ct, bool repeat = false)
    {
        var (kind, result) = outcome.Kind switch
        {
            RadiusOutcomeKind.Accept => (AuditKinds.RadiusAccept, AuditResults.Success),
            RadiusOutcomeKind.Challenge => (AuditKinds.RadiusChallenge, AuditResults.Success),
            RadiusOutcomeKind.Hold => (AuditKinds.RadiusHold, AuditResults.Success),
            _ => (AuditKinds.RadiusReject, AuditResults.Failure),
        };
        // The NAS name (the edge's client entry) may hold spaces: it comes last, the rest of the line.
        var detail = $"edge={to.EdgeId}"
            + (outcome.HoldUntil is { } until ? " until=" + until.UtcDateTime.ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "")
            + (repeat ? " repeat" : "")
            + $" nas={subject.NasName}";
        // A typed name that names nobody may be a password typed in the wrong field: only its keyed fingerprint is recorded.
        var username = outcome.UserId is null
            ? await usernames.OfTypedAsync(subject.Username, ct).ConfigureAwait(false)
            : subject.Username;
        await audit.AppendAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = kind,
            Result = result,
            Reason = outcome.Reason,
            Username = username,
            UserId = outcome.UserId,
            ClientId = subject.ClientName,
            Ip = subject.NasAddress,
            RequestId = to.RequestId,
            Methods = outcome.Factors,
            Detail = detail,
        }, ct).ConfigureAwait(false);
        if (!repeat)
            metrics.RadiusDecided(outcome.Kind.ToString().ToLowerInvariant(), outcome.Reason);
        await channel.SendAsync(ToDecision(to, outcome), ct).ConfigureAwait(false);
        LogSent(outcome.Kind, to.RequestId, to.EdgeId, outcome.Reason);
    }

    /// <summary>A request left unanswered (unreadable, shed at its deadline, its copy still being decided): audited and counted (decision "ignored"), nothing sent.</summary>
    public async Task IgnoredAsync(RadiusReplyTo? to, RadiusAuditSubject? subject, string reason, CancellationToken ct)
    {
        LogIgnored(to?.RequestId, to?.EdgeId, reason);
        metrics.RadiusDecided("ignored", reason);
        await audit.AppendAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.RadiusIgnored,
            Result = AuditResults.Failure,
            Reason = reason,
            Username = await usernames.OfTypedAsync(subject?.Username, ct).ConfigureAwait(false),
            ClientId = subject?.ClientName,
            Ip = subject?.NasAddress,
            RequestId = to?.RequestId,
            Detail = to is null ? null : $"edge={to.EdgeId} nas={subject?.NasName}",
        }, ct).ConfigureAwait(false);
    }

    public static Decision ToDecision(RadiusReplyTo to, RadiusOutcome outcome) => new()
    {
        RequestId = to.RequestId,
        EdgeId = to.EdgeId,
        Kind = outcome.Kind switch
        {
            RadiusOutcomeKind.Accept => DecisionKind.Accept,
            RadiusOutcomeKind.Challenge => DecisionKind.Challenge,
            RadiusOutcomeKind.Hold => DecisionKind.Hold,
            _ => DecisionKind.Reject,
        },
        ReplyMessage = outcome.ReplyMessage,
        State = outcome.Kind == RadiusOutcomeKind.Challenge ? outcome.State : null,
        Attributes = outcome.Kind == RadiusOutcomeKind.Accept && outcome.Attributes.Count > 0
            ? [.. outcome.Attributes.Select(a => new BridgeAttribute(a.Name, a.Value))]
            : null,
        HoldUntil = outcome.Kind == RadiusOutcomeKind.Hold ? outcome.HoldUntil : null,
        Reason = outcome.Reason,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "RADIUS {Kind} for request {RequestId} to edge {EdgeId}: {Reason}")]
    private partial void LogSent(RadiusOutcomeKind kind, string requestId, string edgeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RADIUS request {RequestId} from edge {EdgeId} left unanswered: {Reason}")]
    private partial void LogIgnored(string? requestId, string? edgeId, string reason);
}
