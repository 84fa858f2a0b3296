using Imprivata.Functions.Audit;
using System.Security.Cryptography;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Sessions;
using Imprivata.Core.Settings;
using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Login;

/// <summary>A live SSO session and its user, after every check that can end it.</summary>
public sealed record CurrentSession(SsoSession Session, DirectoryUser User);

/// <summary>
/// The browser's single sign-on session: a random id in a cookie, the state in Tables. A session ends at its absolute
/// timeout (administrator's setting), when the user is disabled or deleted, or when their credentials change.
/// </summary>
public sealed class SsoSessions(
    ISsoSessionStore store,
    IDirectoryStore directory,
    ISettingsStore settings,
    IOptions<ServiceOptions> options,
    TimeProvider time,
    Oidc.BackchannelLogout backchannel,
    ILogger<SsoSessions> logger)
{
    private readonly bool _secure = options.Value.PublicBase.Scheme == Uri.UriSchemeHttps;

    /// <summary>
    /// Over https the session cookie is SameSite=None: cross-site POSTs must carry it (RP-initiated logout by form POST, which
    /// otherwise leaves the session alive; Entra's external authentication method and SAML's POST binding post to us). Every
    /// state-changing form of ours has its own CSRF token, and our pages refuse framing. Browsers accept None only with
    /// Secure, so plain http (local mode) keeps Lax, which still rides the relying party's top-level GET to /connect/authorize.
    /// </summary>
    public SameSiteMode SameSite => _secure ? SameSiteMode.None : SameSiteMode.Lax;

    /// <summary>__Host- binds the cookie to our origin (no Domain, Path=/, Secure); plain http (local mode) cannot use it.</summary>
    public string CookieName => _secure ? "__Host-imp-sso" : "imp-sso";

    private static readonly object CurrentKey = new();

    /// <summary>
    /// <see cref="GetAsync"/> once per request: the authorization endpoint's OpenIddict handlers and the endpoint itself each
    /// ask for the session, and all of them must judge the same one.
    /// </summary>
    public async Task<CurrentSession?> CurrentAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Items.TryGetValue(CurrentKey, out var known))
            return (CurrentSession?)known;
        var current = await GetAsync(http, ct);
        http.Items[CurrentKey] = current;
        return current;
    }

    public async Task<CurrentSession?> GetAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var id) || string.IsNullOrEmpty(id))
            return null;
        var session = await store.FindAsync(id, ct);
        if (session is null)
            return null;
        var now = time.GetUtcNow();
        if (session.ExpiresAt is { } expires && expires <= now)
            return null;
        // The user as read moments ago by this instance (the sign-in that just started the session, the previous app of the
        // SSO session): a disable or password reset through this instance ends the session at once, through another within
        // seconds (IDirectoryStore.FindRecentUserByIdAsync).
        var user = await directory.FindRecentUserByIdAsync(session.UserId, ct);
        if (user is null || !user.Enabled || user.CredentialsChangedAt > session.AuthenticatedAt)
            return null;
        return new CurrentSession(session, user);
    }

    /// <summary>
    /// Starts a fresh session (new id: never reuse a pre-authentication id) and ends the previous one. <paramref name="clientIds"/>:
    /// the app the sign-in is for, when the user may use it, so the authorization that follows need not write the session
    /// again to record it (<see cref="RecordClientAsync"/>). The same user authenticating again (a step-up) keeps the session's
    /// sid and apps; another user's session ends for its apps too (back-channel logout: the shared workstation).
    /// </summary>
    public async Task<SsoSession> StartAsync(HttpContext http, DirectoryUser user, IReadOnlyList<string> amr, IReadOnlyList<string> clientIds,
        CancellationToken ct)
    {
        var previous = await FindByCookieAsync(http, ct);
        var now = time.GetUtcNow();
        // Only a live session of this user continues: one ended by a password reset (a suspected compromise) does not.
        var sameUser = previous is not null && string.Equals(previous.UserId, user.Id, StringComparison.Ordinal)
            && (previous.ExpiresAt is not { } ends || ends > now) && user.CredentialsChangedAt <= previous.AuthenticatedAt;
        await EndAsync(http, sameUser ? null : previous, ct);
        var timeout = (await settings.GetWebLoginAsync(ct)).SessionTimeout;
        var session = new SsoSession
        {
            Id = Base64Url(RandomNumberGenerator.GetBytes(32)),
            Sid = sameUser && previous!.Sid.Length > 0 ? previous.Sid : Base64Url(RandomNumberGenerator.GetBytes(16)),
            UserId = user.Id,
            AuthenticatedAt = now,
            ExpiresAt = timeout is { } t ? now + t : null,
            Amr = amr,
            ClientIds = sameUser ? [.. previous!.ClientIds.Union(clientIds, StringComparer.Ordinal)] : clientIds,
        };
        await store.SaveAsync(session, ct);
        http.Response.Cookies.Append(CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true,
            Secure = _secure,
            SameSite = SameSite,
            Path = "/",
            IsEssential = true,
        });
        return session;
    }

    public async Task RecordClientAsync(SsoSession session, string clientId, CancellationToken ct)
    {
        if (session.ClientIds.Contains(clientId, StringComparer.Ordinal))
            return;
        await store.SaveAsync(session with { ClientIds = [.. session.ClientIds, clientId] }, ct);
    }

    /// <summary>Ends this browser's session; its apps with a back-channel logout URI are told.</summary>
    public async Task EndAsync(HttpContext http, CancellationToken ct) => await EndAsync(http, await FindByCookieAsync(http, ct), ct);

    /// <param name="ended">The session as read, whose apps are told; null when none or when a step-up replaces it.</param>
    private async Task EndAsync(HttpContext http, SsoSession? ended, CancellationToken ct)
    {
        if (http.Request.Cookies.TryGetValue(CookieName, out var id) && !string.IsNullOrEmpty(id))
            await store.DeleteAsync(id, ct);
        http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", Secure = _secure, HttpOnly = true, SameSite = SameSite });
        // An expired session ended by itself earlier; its apps are not told now (back-channel logout is for logouts).
        if (ended is not null && (ended.ExpiresAt is not { } expires || expires > time.GetUtcNow()))
            await backchannel.NotifyAsync(http, ended);
    }

    /// <summary>
    /// Ends every session of a user that started before <paramref name="startedBefore"/> (an administrator disabled, deleted or
    /// reset them): each live one is deleted and its apps are told, rather than the session lapsing at its next use while the
    /// apps keep theirs. Returns how many ended. Not cancelled with the administrator's request: the change is made, and a
    /// dropped connection must not leave sessions deleted but unannounced.
    /// </summary>
    public async Task<int> EndEveryAsync(string userId, DateTimeOffset startedBefore, AuditOrigin origin)
    {
        var live = new List<SsoSession>();
        var now = time.GetUtcNow();
        var stored = new List<SsoSession>();
        await foreach (var session in store.ListByUserAsync(userId, CancellationToken.None))
            stored.Add(session);
        // A session saved again since the legacy row layout has two rows: one ending each.
        foreach (var session in stored.DistinctBy(s => s.Id).Where(s => s.AuthenticatedAt <= startedBefore))
        {
            await store.DeleteAsync(session.Id, CancellationToken.None);
            if (session.ExpiresAt is not { } expires || expires > now)
                live.Add(session);
        }
        // All at once: a user signed in on many workstations must not hold the administrator's request for 3 s each.
        await Task.WhenAll(live.Select(session => backchannel.NotifyAsync(session, origin)));
        return live.Count;
    }

    /// <summary>
    /// <see cref="EndEveryAsync"/> after an administrator's change, which already ends the sessions at their next use: ending
    /// them now also tells their apps. The change is made and audited by then, so a failure (storage, the vault) is logged,
    /// not the administrator's error.
    /// </summary>
    public async Task EndEveryAfterChangeAsync(string userId, DateTimeOffset startedBefore, AuditOrigin origin)
    {
        try
        {
            await EndEveryAsync(userId, startedBefore, origin).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not end the sessions of user {UserId} after an administrator's change; they end at their next use", userId);
        }
    }

    private async Task<SsoSession?> FindByCookieAsync(HttpContext http, CancellationToken ct) =>
        http.Request.Cookies.TryGetValue(CookieName, out var id) && !string.IsNullOrEmpty(id) ? await store.FindAsync(id, ct) : null;

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
