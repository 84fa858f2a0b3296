using System.DirectoryServices.Protocols;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Ldap;

/// <summary>
/// The LDAP first factor: the service account finds the user (filter escaped per RFC 4515), the user's own simple bind
/// checks the password over TLS, then the service account reads the user's groups, nested ones included. The password
/// goes to the directory only; the outcome and the groups are all the backend learns.
/// </summary>
public sealed class LdapDirectory(IOptions<EdgeOptions> options, ILogger<LdapDirectory> logger)
{
    // RFC 4511 §4.1.9 result codes.
    private const int InvalidCredentials = 49;

    public bool HasProfile(string name) => options.Value.Ldap.ContainsKey(name);

    /// <summary>Checks the password; runs the blocking LDAP calls off the caller's thread.</summary>
    public Task<DirectoryVerdict> VerifyAsync(string profileName, string user, string password, CancellationToken ct)
    {
        if (!options.Value.Ldap.TryGetValue(profileName, out var profile))
        {
            logger.LogError("LDAP profile {Profile} is not configured", profileName);
            return Task.FromResult(DirectoryVerdict.Unavailable("profile_missing", DirectoryUnavailable.NoAnswer));
        }
        // RFC 4513 §5.1.2: a simple bind with an empty password is an unauthenticated bind that many directories accept.
        if (password.Length == 0 || string.IsNullOrWhiteSpace(user))
            return Task.FromResult(Log(profileName, user, DirectoryVerdict.Rejected("empty_credentials")));
        return Task.Run(() => Log(profileName, user, Verify(profile, user, password)), ct);
    }

    private DirectoryVerdict Verify(LdapProfileOptions profile, string user, string password)
    {
        try
        {
            using var service = LdapConnections.Open(profile, ServiceCredential(profile));
            var entry = FindUser(service, profile, user, out var failure);
            using var own = LdapConnections.Create(profile);
            if (entry is null)
            {
                // The same directory round trip as a wrong password, so an unknown name does not answer faster.
                TryBind(own, $"cn={Guid.NewGuid():N},{profile.UserSearchBase}", password);
                return DirectoryVerdict.Rejected(failure!);
            }
            if (!TryBind(own, entry.DistinguishedName, password))
                return DirectoryVerdict.Rejected("bind_refused");
            return DirectoryVerdict.Passed(GroupResolver.Resolve(service, profile, entry));
        }
        catch (Exception ex) when (ex is LdapException or DirectoryOperationException or TimeoutException or IOException)
        {
            var code = ex is LdapException ldap ? $"ldap_{ldap.ErrorCode}" : ex is DirectoryOperationException op ? $"ldap_{op.Response?.ResultCode}" : ex.GetType().Name;
            logger.LogWarning("LDAP directory {Url} unavailable: {Code} {Message}", profile.Url, code, ex.Message);
            return DirectoryVerdict.Unavailable(code, profile.WhenUnavailable);
        }
    }

    private static SearchResultEntry? FindUser(LdapConnection service, LdapProfileOptions profile, string user, out string? failure)
    {
        var search = new SearchRequest(profile.UserSearchBase, LdapFilter.Format(profile.UserFilter, user), SearchScope.Subtree,
            profile.GroupAttribute) { SizeLimit = 2 };
        SearchResponse response;
        try
        {
            response = (SearchResponse)service.SendRequest(search, profile.Timeout);
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.SizeLimitExceeded)
        {
            failure = "ambiguous_user";
            return null;
        }
        failure = response.Entries.Count switch
        {
            0 => "unknown_user",
            > 1 => "ambiguous_user",
            _ => null,
        };
        return failure is null ? response.Entries[0] : null;
    }

    /// <summary>The user's own bind: false for refused credentials (wrong password, locked or disabled account).</summary>
    private static bool TryBind(LdapConnection connection, string dn, string password)
    {
        try
        {
            connection.Bind(new NetworkCredential(dn, password));
            return true;
        }
        catch (LdapException ex) when (ex.ErrorCode == InvalidCredentials)
        {
            return false;
        }
    }

    private static NetworkCredential? ServiceCredential(LdapProfileOptions profile)
    {
        if (string.IsNullOrEmpty(profile.BindDn))
            return null;
        var password = !string.IsNullOrEmpty(profile.BindPassword) ? profile.BindPassword
            : !string.IsNullOrEmpty(profile.BindPasswordFile) ? File.ReadAllText(profile.BindPasswordFile).TrimEnd('\r', '\n') : "";
        return new NetworkCredential(profile.BindDn, password);
    }

    private DirectoryVerdict Log(string profile, string user, DirectoryVerdict verdict)
    {
        if (verdict.Outcome != DirectoryOutcome.Passed)
            logger.LogInformation("LDAP first factor for {User} ({Profile}): {Outcome} ({Reason})", Logging.LogText.Escape(user), profile,
                verdict.Outcome, verdict.Reason);
        return verdict;
    }
}
