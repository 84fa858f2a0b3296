using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Audit;
using Imprivata.Core.Passwords;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.RadiusEdge.Contract;
using FirstFactorMode = Imprivata.Core.Radius.FirstFactorMode;

namespace Imprivata.Functions.Radius;

/// <summary>
/// The first factor's result: passed or not (with an audit reason), the directory user if the directory knows them, the
/// LDAP groups the edge reported, and what was proven ("password", or nothing when the gateway checked it).
/// </summary>
public sealed record FirstFactorResult(bool Passed, string Reason, DirectoryUser? User, IReadOnlyList<string> LdapGroups, string Proven);

/// <summary>
/// The first factor by the client's mode. <c>directory</c>: the sealed password against the built-in directory, through
/// the same counted attempts as the web sign-in (PasswordAttempts: one Argon2id verification for every outcome, wrong passwords
/// slow further attempts). <c>ldap</c>: the edge's bind result and groups, trusted for this request only and only when the
/// client's profile says the edge does LDAP. <c>none</c>: the gateway checked the password.
/// </summary>
public sealed class RadiusFirstFactor(IDirectoryStore directory, PasswordAttempts attempts, IRadiusSealKey sealKey)
{
    public const string Password = "password";

    public async Task<FirstFactorResult> CheckAsync(RadiusAuthenticate request, RadiusClientProfile client, CancellationToken ct)
    {
        var username = request.UserName!.Trim();
        // The profile, not the message, says who checks the first factor: an edge cannot claim a bind the client does not use.
        if (request.Mode != client.FirstFactor)
            return Failed(RadiusReasons.FirstFactorMismatch);
        var user = await directory.FindUserByUsernameAsync(username, ct).ConfigureAwait(false);
        switch (client.FirstFactor)
        {
            case FirstFactorMode.Ldap:
                if (request.FirstFactor is not { Passed: true } report)
                    return Failed(AuditReasons.BadCredentials);
                return Checked(user, report.Groups ?? [], Password);
            case FirstFactorMode.None:
                return Checked(user, [], "");
            default:
                if (request.Password is not { } sealedPassword)
                    return Failed(RadiusReasons.NoPassword);
                var password = await OpenAsync(request, sealedPassword, ct).ConfigureAwait(false);
                if (password is null)
                    return Failed(RadiusReasons.SealNotOpened);
                var reason = await attempts.VerifyAsync(username, user, password, ct).ConfigureAwait(false);
                return reason == AuditReasons.Ok ? Checked(user, [], Password) : Failed(reason);
        }
    }

    /// <summary>The PAP password; null when the seal does not open (another key, altered in transit, another request's seal).</summary>
    public async Task<string?> OpenAsync(RadiusAuthenticate request, SealedPassword sealedPassword, CancellationToken ct)
    {
        byte[] octets;
        try
        {
            octets = await PasswordSeal.OpenAsync(sealedPassword, (wrapped, kid, token) => sealKey.UnwrapAsync(kid, wrapped, token),
                request.RequestId, request.EdgeId, ct).ConfigureAwait(false);
        }
        catch (CryptographicException)
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(octets);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(octets);
        }
    }

    private static FirstFactorResult Failed(string reason) => new(false, reason, null, [], "");

    /// <summary>Passed; a disabled account is refused only now, so it answers like a wrong password and takes as long.</summary>
    private static FirstFactorResult Checked(DirectoryUser? user, IReadOnlyList<string> groups, string proven) =>
        user is { Enabled: false }
            ? Failed(AuditReasons.UserDisabled)
            : new(true, AuditReasons.Ok, user, groups, proven);
}
