using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa.HardwareTokens;
using Imprivata.Functions.Admin;
using Imprivata.Storage.Mfa;

namespace Imprivata.Functions.Mfa.Otp;

/// <summary>Hardware token administration shared by the JSON API and the console: the inventory's rules plus one audit event per action, naming the administrator.</summary>
public sealed class OtpTokenAdministration(HardwareTokenInventory inventory, IDirectoryStore directory, AdminAudit audit)
{
    public const long MaxImportBytes = 2 * 1024 * 1024;

    public async Task<TokenImportResult> ImportAsync(AdminPrincipal actor, TextReader csv, CancellationToken ct)
    {
        var result = await inventory.ImportAsync(csv, actor.User.Username, ct);
        var detail = $"imported={result.Imported};rejected_lines={result.Errors.Count}";
        if (result.Imported > 0)
            await audit.SucceededAsync(actor, AuditKinds.AdminOtpTokenImport, ct, detail: detail);
        else
            await audit.RecordAsync(actor, AuditKinds.AdminOtpTokenImport, AuditResults.Failure, result.Errors.FirstOrDefault()?.Reason ?? "no_tokens", ct, detail: detail);
        return result;
    }

    public async Task<IReadOnlyList<OtpTokenView>> ListAsync(CancellationToken ct)
    {
        var views = new List<OtpTokenView>();
        foreach (var token in await inventory.ListAsync(ct))
        {
            var user = token.AssignedUserId is { } id ? await directory.FindUserByIdAsync(id, ct) : null;
            views.Add(OtpTokenView.Of(token, user?.Username));
        }
        return views;
    }

    public async Task<TokenResult> AssignAsync(AdminPrincipal actor, string serial, string userId, CancellationToken ct)
    {
        var user = await directory.FindUserByIdAsync(userId, ct);
        TokenResult result;
        if (user is null)
        {
            result = TokenResult.Fail(DirectoryErrors.NotFound);
        }
        else
        {
            try
            {
                result = await inventory.AssignAsync(serial, userId, ct);
            }
            catch (DuplicateEnrollmentException)
            {
                result = TokenResult.Fail(TokenErrors.AlreadyAssigned);
            }
        }
        await AuditAsync(actor, AuditKinds.AdminOtpTokenAssign, result, serial, userId, user?.Username, ct);
        return result;
    }

    public async Task<TokenResult> UnassignAsync(AdminPrincipal actor, string serial, CancellationToken ct)
    {
        var result = await inventory.UnassignAsync(serial, ct);
        var userId = result.Enrollment?.UserId;
        var user = userId is null ? null : await directory.FindUserByIdAsync(userId, ct);
        await AuditAsync(actor, AuditKinds.AdminOtpTokenUnassign, result, serial, userId, user?.Username, ct);
        return result;
    }

    public async Task<TokenResult> ResyncAsync(AdminPrincipal actor, string serial, string first, string second, CancellationToken ct)
    {
        var result = await inventory.ResyncAsync(serial, first, second, ct);
        var userId = result.Enrollment?.UserId;
        await AuditAsync(actor, AuditKinds.AdminOtpTokenResync, result, serial, userId, null, ct);
        return result;
    }

    /// <summary>HTTP status of a failure: 404 for unknown tokens or users, 409 for state conflicts, 400 otherwise.</summary>
    public static int StatusOf(string? error) => error switch
    {
        TokenErrors.NotFound or DirectoryErrors.NotFound => StatusCodes.Status404NotFound,
        TokenErrors.AlreadyAssigned or TokenErrors.NotAssigned or TokenErrors.Contended => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    private Task AuditAsync(AdminPrincipal actor, string kind, TokenResult result, string serial, string? userId, string? username, CancellationToken ct)
    {
        // Serials from an URL are attacker-shaped text: only the printable part goes into the audit detail.
        var detail = "serial=" + new string(serial.Where(c => !char.IsControl(c)).Take(64).ToArray());
        return result.Succeeded
            ? audit.SucceededAsync(actor, kind, ct, userId, username, detail: detail)
            : audit.RecordAsync(actor, kind, AuditResults.Failure, result.Error!, ct, userId, username, detail: detail);
    }
}

/// <summary>What the API and console show of a token: never the seed.</summary>
public sealed record OtpTokenView(string Serial, string Type, string Algorithm, int Digits, int? Period, DateTimeOffset ImportedAt, string ImportedBy,
    string? AssignedUserId, string? AssignedUsername, DateTimeOffset? AssignedAt)
{
    public static OtpTokenView Of(HardwareToken t, string? username) => new(t.Serial, t.Otp.Kind == Core.Mfa.OtpKind.Hotp ? "hotp" : "totp",
        Core.Mfa.Otp.OtpCode.Name(t.Otp.Algorithm).ToLowerInvariant(), t.Otp.Digits, t.Otp.Kind == Core.Mfa.OtpKind.Totp ? t.Otp.Period : null,
        t.ImportedAt, t.ImportedBy, t.AssignedUserId, username, t.AssignedAt);
}
