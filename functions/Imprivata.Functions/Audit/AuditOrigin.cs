namespace Imprivata.Functions.Audit;

/// <summary>Where an action came from, for the audit: the request's address and id, and the administrator if one acted.</summary>
public sealed record AuditOrigin(string? Ip, string? RequestId, string? Actor);
