using Imprivata.Core.Sessions;
using Imprivata.Core.UserDirectory;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Admin;

/// <summary>Creates, resolves and ends admin sessions carried by the admin cookie.</summary>
public sealed class AdminSessions(IAdminSessionStore store, IDirectoryStore directory, AdminCookies cookies, IOptions<AdminOptions> options, TimeProvider time)
{
    /// <summary>Writes are limited to one per minute per session to keep the idle clock cheap.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>Always a fresh id (session fixation: an id known before sign-in never becomes privileged); the old session is ended.</summary>
    public async Task SignInAsync(HttpContext context, DirectoryUser user, CancellationToken ct)
    {
        await EndStoredSessionAsync(context, ct).ConfigureAwait(false);
        var id = SecretText.NewToken();
        var now = time.GetUtcNow();
        var session = new AdminSession { UserId = user.Id, CreatedAt = now, LastSeenAt = now, CsrfToken = SecretText.NewToken() };
        await store.SaveAsync(SecretText.SessionKey(id), session, ct).ConfigureAwait(false);
        context.Response.Cookies.Append(cookies.SessionName, id, cookies.Options());
    }

    public async Task SignOutAsync(HttpContext context, CancellationToken ct)
    {
        await EndStoredSessionAsync(context, ct).ConfigureAwait(false);
        context.Response.Cookies.Delete(cookies.SessionName, cookies.Options());
    }

    private async Task EndStoredSessionAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Request.Cookies.TryGetValue(cookies.SessionName, out var id) && !string.IsNullOrEmpty(id) && id.Length <= 128)
            await store.DeleteAsync(SecretText.SessionKey(id), ct).ConfigureAwait(false);
    }

    /// <summary>The live administrator of this request, or null: expired, unknown, disabled, demoted or re-credentialed -> null.</summary>
    public async Task<AdminPrincipal?> ResolveAsync(HttpContext context, CancellationToken ct)
    {
        if (!context.Request.Cookies.TryGetValue(cookies.SessionName, out var id) || string.IsNullOrEmpty(id) || id.Length > 128)
            return null;
        var key = SecretText.SessionKey(id);
        var session = await store.FindAsync(key, ct).ConfigureAwait(false);
        if (session is null)
            return null;
        var now = time.GetUtcNow();
        if (now - session.LastSeenAt >= options.Value.IdleTimeout || now - session.CreatedAt >= options.Value.AbsoluteLifetime)
        {
            await store.DeleteAsync(key, ct).ConfigureAwait(false);
            return null;
        }
        var user = await directory.FindUserByIdAsync(session.UserId, ct).ConfigureAwait(false);
        // The role is read live from the directory: demotion, disabling or a password change ends the session at once.
        if (user is null || !user.Enabled || user.AdminRole == AdminRole.None || user.CredentialsChangedAt > session.CreatedAt)
        {
            await store.DeleteAsync(key, ct).ConfigureAwait(false);
            return null;
        }
        if (now - session.LastSeenAt >= TouchInterval)
        {
            session = session with { LastSeenAt = now };
            await store.SaveAsync(key, session, ct).ConfigureAwait(false);
        }
        return new AdminPrincipal(user, key, session, context.Connection.RemoteIpAddress?.ToString(), context.TraceIdentifier);
    }
}
