using Imprivata.Core.Audit;

namespace Imprivata.Core.Mfa.Push;

/// <summary>One audit event per push decision, refusal and transition; never carries a signature or a number entered.</summary>
internal sealed class PushAudit(IAuditLog log, TimeProvider time)
{
    public Task WriteAsync(string kind, string result, string reason, CancellationToken ct, string? userId = null, string? username = null,
        string? ip = null, string? detail = null) =>
        log.AppendAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = kind,
            Result = result,
            Reason = reason,
            UserId = userId,
            Username = username,
            Ip = ip,
            Methods = "push",
            Detail = detail,
        }, ct);

    public Task ChallengeAsync(PushChallenge c, string kind, string result, string reason, CancellationToken ct, string? ip = null, string? extra = null) =>
        WriteAsync(kind, result, reason, ct, c.UserId, c.Username, ip ?? c.ClientIp,
            $"challenge={c.Id} app={c.AppName}" + (extra is null ? "" : " " + extra));
}
