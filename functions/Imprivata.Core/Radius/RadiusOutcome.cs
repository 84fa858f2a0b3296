namespace Imprivata.Core.Radius;

/// <summary>How the backend answers one Access-Request (the bridge's decision kinds).</summary>
public enum RadiusOutcomeKind
{
    Accept = 0,
    Reject = 1,
    /// <summary>Access-Challenge: <see cref="RadiusOutcome.State"/> and a Reply-Message asking for the next answer.</summary>
    Challenge = 2,
    /// <summary>A push is out: the edge keeps the request until <see cref="RadiusOutcome.HoldUntil"/>; the final answer follows.</summary>
    Hold = 3,
}

/// <summary>
/// The answer to one Access-Request, free of transport: what the edge turns into the reply, plus what the audit and a
/// later retransmission need (the user, the factor, the push a hold waits for).
/// </summary>
public sealed record RadiusOutcome
{
    public required RadiusOutcomeKind Kind { get; init; }
    /// <summary>A stable reason code (<see cref="RadiusReasons"/>, a plan or push reason): the exchange log and the audit.</summary>
    public required string Reason { get; init; }
    public string? ReplyMessage { get; init; }
    /// <summary>Challenge only: base64 of the State octets.</summary>
    public string? State { get; init; }
    /// <summary>Accept only.</summary>
    public IReadOnlyList<RadiusReplyAttribute> Attributes { get; init; } = [];
    public DateTimeOffset? HoldUntil { get; init; }
    /// <summary>Hold only: the push this request waits for, so a retransmission joins the same one.</summary>
    public string? PushChallengeId { get; init; }
    public string? UserId { get; init; }
    /// <summary>Factors this answer rests on, space-separated factor names ("password push"), for the audit.</summary>
    public string? Factors { get; init; }

    public static RadiusOutcome Reject(string reason, string? message = null, string? userId = null, string? factors = null) =>
        new() { Kind = RadiusOutcomeKind.Reject, Reason = reason, ReplyMessage = message, UserId = userId, Factors = factors };

    public static RadiusOutcome Accept(string reason, IReadOnlyList<RadiusReplyAttribute> attributes, string? userId, string? factors, string? message = null) =>
        new() { Kind = RadiusOutcomeKind.Accept, Reason = reason, Attributes = attributes, UserId = userId, Factors = factors, ReplyMessage = message };
}

/// <summary>Where a decision goes: the edge that forwarded the request and the request id it gave it.</summary>
public sealed record RadiusReplyTo(string EdgeId, string RequestId);

/// <summary>Stable reason codes of RADIUS decisions (besides the password, plan and push reasons they reuse).</summary>
public static class RadiusReasons
{
    public const string Ok = "ok";
    public const string InvalidRequest = "invalid_request";
    public const string UnknownClient = "unknown_client";
    public const string ClientDisabled = "client_disabled";
    public const string NasAddressNotAllowed = "nas_address_not_allowed";
    public const string FirstFactorMismatch = "first_factor_mismatch";
    public const string FirstFactorFailed = "first_factor_failed";
    public const string NoPassword = "no_password";
    public const string SealNotOpened = "seal_not_opened";
    public const string NonLicensedAccess = "non_licensed_access";
    public const string EnrollmentRequired = "enrollment_required";
    public const string NoUsableFactor = "no_usable_factor";
    public const string ChallengeSent = "challenge_sent";
    public const string MethodChoice = "method_choice";
    public const string InvalidChoice = "invalid_choice";
    public const string PushSent = "push_sent";
    public const string PushPending = "push_pending";
    public const string PushApproved = "push_approved";
    public const string NumberMatching = "number_matching";
    public const string CodeAccepted = "code_accepted";
    public const string WrongCode = "wrong_code";
    public const string CodeNotSent = "code_not_sent";
    public const string FactorNotOffered = "factor_not_offered";
    public const string StateUnknown = "state_unknown";
    public const string StateExpired = "state_expired";
    public const string StateReused = "state_reused";
    public const string StateOtherUser = "state_other_user";
    public const string StateOtherNas = "state_other_nas";
    public const string NoAnswer = "no_answer";
    public const string Retransmission = "retransmission";
    /// <summary>The request came through an edge the console stopped or revoked: rejected before any factor.</summary>
    public const string EdgeStopped = "edge_stopped";
    public const string EdgeRevoked = "edge_revoked";
}
