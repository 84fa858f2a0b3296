using System.Globalization;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Functions.Admin;

namespace Imprivata.Functions.Mfa.TemporaryCodes;

/// <summary>Temporary codes for the helpdesk (and superadmins): issue, revoke, list; one audit event per action with the actor.</summary>
public sealed class TemporaryCodeAdministration(Core.Mfa.TemporaryCodes.TemporaryCodes codes, IDirectoryStore directory, AdminAudit audit)
{
    /// <summary>Validity choices by name, as the API and the console offer them.</summary>
    public static readonly IReadOnlyList<(string Name, string Text, TimeSpan Value)> Validities =
    [
        ("1h", "1 hour", TimeSpan.FromHours(1)), ("4h", "4 hours", TimeSpan.FromHours(4)), ("8h", "8 hours", TimeSpan.FromHours(8)),
        ("1d", "1 day", TimeSpan.FromDays(1)), ("3d", "3 days", TimeSpan.FromDays(3)), ("7d", "7 days", TimeSpan.FromDays(7)),
        ("14d", "14 days", TimeSpan.FromDays(14)), ("30d", "30 days", TimeSpan.FromDays(30)),
    ];

    public const string DefaultValidity = "1d";

    public static bool TryValidity(string? name, out TimeSpan validity)
    {
        var found = Validities.FirstOrDefault(v => v.Name == (string.IsNullOrEmpty(name) ? DefaultValidity : name));
        validity = found.Value;
        return found.Name is not null;
    }

    public async Task<TemporaryCodeResult> IssueAsync(AdminPrincipal actor, string userId, string? validityName, CancellationToken ct)
    {
        var user = await directory.FindUserByIdAsync(userId, ct);
        TemporaryCodeResult result;
        if (string.Equals(actor.User.Id, userId, StringComparison.Ordinal))
            result = TemporaryCodeResult.Fail(TemporaryCodeErrors.CannotIssueForSelf);
        else if (user is null)
            result = TemporaryCodeResult.Fail(TemporaryCodeErrors.UserNotFound);
        else if (!actor.MayManage(user))
            result = TemporaryCodeResult.Fail(AdminPrincipal.AdministratorAccount);
        else if (!user.Enabled)
            result = TemporaryCodeResult.Fail("user_disabled");
        else if (!TryValidity(validityName, out var validity))
            result = TemporaryCodeResult.Fail(TemporaryCodeErrors.ValidityInvalid);
        else
            result = await codes.IssueAsync(actor.User.Id, actor.User.Username, userId, validity, ct);
        var detail = result.Code is { } c ? "expires=" + c.ExpiresAt.ToString("O", CultureInfo.InvariantCulture) : null;
        await AuditAsync(actor, AuditKinds.AdminTemporaryCodeIssue, result, userId, user?.Username, detail, ct);
        return result;
    }

    public async Task<TemporaryCodeResult> RevokeAsync(AdminPrincipal actor, string userId, CancellationToken ct)
    {
        var user = await directory.FindUserByIdAsync(userId, ct);
        var result = user is not null && !actor.MayManage(user)
            ? TemporaryCodeResult.Fail(AdminPrincipal.AdministratorAccount)
            : await codes.RevokeAsync(userId, actor.User.Username, ct);
        await AuditAsync(actor, AuditKinds.AdminTemporaryCodeRevoke, result, userId, user?.Username, null, ct);
        return result;
    }

    public async Task<IReadOnlyList<TemporaryCodeView>> ListActiveAsync(CancellationToken ct)
    {
        var views = new List<TemporaryCodeView>();
        foreach (var code in await codes.ListActiveAsync(ct))
            views.Add(TemporaryCodeView.Of(code, TemporaryCodeState.Active, (await directory.FindUserByIdAsync(code.UserId, ct))?.Username));
        return views;
    }

    public async Task<TemporaryCodeView?> FindAsync(string userId, CancellationToken ct)
    {
        if (await codes.FindAsync(userId, ct) is not { } found)
            return null;
        return TemporaryCodeView.Of(found.Code, found.State, (await directory.FindUserByIdAsync(userId, ct))?.Username);
    }

    /// <summary>403 for issuing to oneself (a role question), 404 for unknown users or no code, 400 otherwise.</summary>
    public static int StatusOf(string? error) => error switch
    {
        TemporaryCodeErrors.CannotIssueForSelf or AdminPrincipal.AdministratorAccount => StatusCodes.Status403Forbidden,
        TemporaryCodeErrors.UserNotFound or TemporaryCodeErrors.NoActiveCode => StatusCodes.Status404NotFound,
        TemporaryCodeErrors.Contended => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    private Task AuditAsync(AdminPrincipal actor, string kind, TemporaryCodeResult result, string userId, string? username, string? detail, CancellationToken ct) =>
        result.Succeeded
            ? audit.SucceededAsync(actor, kind, ct, userId, username, detail: detail)
            : audit.RecordAsync(actor, kind, AuditResults.Failure, result.Error!, ct, userId, username, detail: detail);
}

/// <summary>A code as administrators see it: never the code or its hash.</summary>
public sealed record TemporaryCodeView(string UserId, string? Username, string State, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string IssuedBy,
    int UseCount, DateTimeOffset? LastUsedAt)
{
    public static TemporaryCodeView Of(TemporaryCode c, TemporaryCodeState state, string? username) =>
        new(c.UserId, username, state.ToString().ToLowerInvariant(), c.IssuedAt, c.ExpiresAt, c.IssuedBy, c.UseCount, c.LastUsedAt);
}
