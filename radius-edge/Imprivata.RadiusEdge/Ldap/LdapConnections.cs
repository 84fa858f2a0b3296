using System.DirectoryServices.Protocols;
using System.Net;

namespace Imprivata.RadiusEdge.Ldap;

/// <summary>Connections to a profile's directory: LDAPv3, TLS (ldaps or StartTLS) checked against the profile's CAs, bounded by its timeout.</summary>
internal static class LdapConnections
{
    public const int LdapPort = 389, LdapsPort = 636;

    public static LdapConnection Create(LdapProfileOptions profile)
    {
        var url = new Uri(profile.Url!);
        var ldaps = url.Scheme == "ldaps";
        var connection = new LdapConnection(new LdapDirectoryIdentifier(url.Host, url.IsDefaultPort || url.Port <= 0 ? (ldaps ? LdapsPort : LdapPort) : url.Port))
        {
            AuthType = AuthType.Basic,
            Timeout = profile.Timeout,
        };
        var session = connection.SessionOptions;
        session.ProtocolVersion = 3;
        session.ReferralChasing = ReferralChasingOptions.None;
        // libldap (Linux) reads its CAs from a directory; on Windows the system store decides.
        if (!string.IsNullOrEmpty(profile.CaCertificatesDirectory) && !OperatingSystem.IsWindows())
        {
            session.TrustedCertificatesDirectory = profile.CaCertificatesDirectory;
            session.StartNewTlsSessionContext();
        }
        if (ldaps)
            session.SecureSocketLayer = true;
        else if (profile.StartTls)
        {
            NameTheServer(connection);
            // RFC 4513 §3: TLS before any bind with a password, so neither password crosses the network in clear.
            session.StartTransportLayerSecurity(null);
        }
        return connection;
    }

    /// <summary>
    /// On Linux, System.DirectoryServices.Protocols hands libldap the server's address only when the connection is first
    /// used, and a StartTLS before that fails as "server unavailable": an anonymous bind (no name, no password, RFC 4513
    /// §5.1.1) uses it first. A directory that refuses anonymous binds has still been reached, which is all this is for.
    /// </summary>
    private static void NameTheServer(LdapConnection connection)
    {
        if (OperatingSystem.IsWindows())
            return;
        var authType = connection.AuthType;
        connection.AuthType = AuthType.Anonymous;
        try
        {
            connection.Bind();
        }
        catch (LdapException ex) when (ex.ErrorCode is ConfidentialityRequired or InappropriateAuthentication or InvalidCredentials
                                           or InsufficientAccessRights or UnwillingToPerform)
        {
        }
        finally
        {
            connection.AuthType = authType;
        }
    }

    // RFC 4511 §4.1.9 result codes a directory may give an anonymous bind it does not allow.
    private const int ConfidentialityRequired = 13, InappropriateAuthentication = 48, InvalidCredentials = 49,
        InsufficientAccessRights = 50, UnwillingToPerform = 53;

    /// <summary>A connection bound as the service account (or anonymous without one).</summary>
    public static LdapConnection Open(LdapProfileOptions profile, NetworkCredential? credential)
    {
        var connection = Create(profile);
        try
        {
            if (credential is null)
            {
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
            }
            else
            {
                connection.Bind(credential);
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
