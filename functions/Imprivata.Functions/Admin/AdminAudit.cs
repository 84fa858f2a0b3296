using Imprivata.Core.Audit;

namespace Imprivata.Functions.Admin;

/// <summary>Writes one audit event per admin action, always naming the acting administrator. Never passes secrets.</summary>
public sealed class AdminAudit(IAuditLog log, TimeProvider time)
{
    public Task RecordAsync(AdminPrincipal actor, string kind, string result, string reason, CancellationToken ct,
        string? userId = null, string? username = null, string? clientId = null, string? detail = null) =>
        log.AppendAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = kind,
            Result = result,
            Reason = reason,
            Actor = actor.User.Username,
            UserId = userId,
            Username = username,
            ClientId = clientId,
            Ip = actor.Ip,
            RequestId = actor.RequestId,
            Detail = detail,
        }, ct);

    public Task SucceededAsync(AdminPrincipal actor, string kind, CancellationToken ct, string? userId = null, string? username = null, string? clientId = null, string? detail = null) =>
        RecordAsync(actor, kind, AuditResults.Success, AuditReasons.Ok, ct, userId, username, clientId, detail);
}
