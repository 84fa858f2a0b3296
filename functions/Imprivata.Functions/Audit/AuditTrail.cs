using Imprivata.Core.Audit;

namespace Imprivata.Functions.Audit;

/// <summary>Writes audit events with the request's IP and id filled in. A failing audit write fails the request (fail closed).</summary>
public sealed class AuditTrail(IAuditLog log, TimeProvider time)
{
    private static readonly object AuditedKey = new();

    /// <summary>Whether this request already wrote an audit event: a generic audit of its outcome would say it twice.</summary>
    public static bool Audited(HttpContext http) => http.Items.ContainsKey(AuditedKey);

    public Task WriteAsync(HttpContext http, string kind, string result, string reason, string? username = null, string? userId = null,
        string? clientId = null, string? methods = null, string? actor = null, string? detail = null)
    {
        http.Items[AuditedKey] = true;
        return log.AppendAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = kind,
            Result = result,
            Reason = reason,
            Username = username,
            UserId = userId,
            ClientId = clientId,
            Methods = methods,
            Actor = actor,
            Detail = detail,
            Ip = http.Connection.RemoteIpAddress?.ToString(),
            RequestId = http.TraceIdentifier,
        }, http.RequestAborted);
    }
}
