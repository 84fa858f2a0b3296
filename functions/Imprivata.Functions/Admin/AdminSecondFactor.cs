using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.Sessions;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Admin;

/// <summary>A console sign-in whose password was right and whose second factor is still due.</summary>
public sealed record PendingConsoleSignIn(PendingLogin Login, DirectoryUser User)
{
    public string Csrf => Login.State[AdminSecondFactor.CsrfKey];
    public string? EnrollmentId => Login.State.GetValueOrDefault(AdminSecondFactor.EnrollmentKey);
}

/// <summary>
/// The console's second factor (NIST SP 800-63B 4.2.1: privileged accounts need two factors): after the password every
/// administrator but the break-glass account holds only a short-lived pending sign-in, kept in the pending-login store
/// under the hash of its cookie (so the id cannot serve as a web login's or an admin session's), until a code from an
/// enrolled authenticator app is verified. An administrator without one enrolls it there first.
/// </summary>
public sealed class AdminSecondFactor(IPendingLoginStore store, IDirectoryStore directory, IEnrollmentStore enrollments, AdminCookies cookies,
    TimeProvider time)
{
    public const string Path = "/console/login/otp";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    internal const string CsrfKey = "console.csrf";
    internal const string EnrollmentKey = "console.enroll";

    /// <summary>Break-glass is the way in when everything else fails: it keeps password-only sign-in (and its fixed, public name).</summary>
    public static bool IsRequiredFor(DirectoryUser user) =>
        !string.Equals(user.Username, AdminBootstrap.BreakGlassUsername, StringComparison.OrdinalIgnoreCase);

    public async Task BeginAsync(HttpContext http, DirectoryUser user, CancellationToken ct)
    {
        // A new id at each password (session fixation); the browser's earlier pending sign-in ends.
        if (http.Request.Cookies.TryGetValue(cookies.PendingName, out var old) && !string.IsNullOrEmpty(old) && old.Length <= 128)
            await store.DeleteAsync(SecretText.SessionKey(old), ct).ConfigureAwait(false);
        var id = SecretText.NewToken();
        var now = time.GetUtcNow();
        await store.SaveAsync(new PendingLogin
        {
            Id = SecretText.SessionKey(id),
            UserId = user.Id,
            Completed = [Factor.Password],
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
            State = new Dictionary<string, string> { [CsrfKey] = SecretText.NewToken() },
        }, ct).ConfigureAwait(false);
        http.Response.Cookies.Append(cookies.PendingName, id, cookies.Options(now + Lifetime));
    }

    /// <summary>This browser's pending sign-in, if alive and its user may still administer; otherwise null.</summary>
    public async Task<PendingConsoleSignIn?> FindAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.Cookies.TryGetValue(cookies.PendingName, out var id) || string.IsNullOrEmpty(id) || id.Length > 128)
            return null;
        var login = await store.FindAsync(SecretText.SessionKey(id), ct).ConfigureAwait(false);
        if (login is null || login.ExpiresAt <= time.GetUtcNow() || !login.State.ContainsKey(CsrfKey))
            return null;
        var user = await directory.FindUserByIdAsync(login.UserId, ct).ConfigureAwait(false);
        if (user is null || !user.Enabled || user.AdminRole == AdminRole.None || user.CredentialsChangedAt > login.CreatedAt)
            return null;
        return new PendingConsoleSignIn(login, user);
    }

    public async Task<bool> HasTokenAsync(DirectoryUser user, CancellationToken ct) =>
        (await enrollments.ListAsync(user.Id, ct).ConfigureAwait(false)).Any(OtpTokenVerifier.IsUsableToken);

    public Task RememberEnrollmentAsync(PendingConsoleSignIn pending, string enrollmentId, CancellationToken ct) =>
        store.SaveAsync(pending.Login with
        {
            State = new Dictionary<string, string>(pending.Login.State) { [EnrollmentKey] = enrollmentId },
        }, ct);

    public async Task AbandonAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.Cookies.TryGetValue(cookies.PendingName, out var id) && !string.IsNullOrEmpty(id) && id.Length <= 128)
            await store.DeleteAsync(SecretText.SessionKey(id), ct).ConfigureAwait(false);
        http.Response.Cookies.Delete(cookies.PendingName, cookies.Options());
    }
}
