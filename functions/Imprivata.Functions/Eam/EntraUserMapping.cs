using Imprivata.Core.Audit;
using Imprivata.Core.Eam;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Eam;

/// <summary>
/// Finds the directory user of a validated hint by its stable (tid, oid) link. Without a link, and only when the profile
/// allows it, preferred_username may name our user by username or e-mail, and the link is then stored. Anyone else is
/// unknown: access_denied, never an enrollment.
/// </summary>
public sealed class EntraUserMapping(IEntraUserLinkStore links, IDirectoryStore directory, IAuditLog audit, TimeProvider time)
{
    public async Task<DirectoryUser?> FindAsync(EntraHint hint, EamProfile profile, CancellationToken ct)
    {
        if (await links.FindUserIdAsync(hint.TenantId, hint.ObjectId, ct) is { } userId)
            return await directory.FindUserByIdAsync(userId, ct);
        if (!profile.MatchByUsername || hint.PreferredUsername is not { Length: > 0 and <= 256 } name)
            return null;
        var user = await directory.FindUserByUsernameAsync(name, ct);
        if (user is null && name.Contains('@'))
        {
            var local = name[..name.IndexOf('@')];
            var candidate = await directory.FindUserByUsernameAsync(local, ct);
            // The local part alone matches only when the whole name is that user's e-mail address.
            if (candidate is not null && string.Equals(candidate.Email, name, StringComparison.OrdinalIgnoreCase))
                user = candidate;
        }
        if (user is null)
            return null;
        await links.LinkAsync(hint.TenantId, hint.ObjectId, user.Id, ct);
        await audit.AppendAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.EamLink,
            Result = AuditResults.Success,
            Reason = "matched_by_username",
            Username = user.Username,
            UserId = user.Id,
            ClientId = profile.ClientId,
            Detail = $"tid {hint.TenantId} oid {hint.ObjectId}",
        }, ct);
        return user;
    }
}
