using System.Net;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>
/// Who we are to authenticators: the RP ID (the public host), the exact origin browsers report, and a display name.
/// Built from the configured public base URL, never from a request's Host header.
/// </summary>
public sealed class WebAuthnRelyingParty
{
    private WebAuthnRelyingParty(string id, string origin, string name)
    {
        Id = id;
        Origin = origin;
        Name = name;
    }

    public string Id { get; }
    /// <summary>scheme://host[:port], as in CollectedClientData.origin.</summary>
    public string Origin { get; }
    public string Name { get; }

    /// <summary>
    /// Null when the public base cannot be a WebAuthn relying party: browsers refuse IP addresses as RP IDs (WebAuthn L3
    /// §5.1.3, "valid domain"), and a non-https origin is only a secure context on localhost.
    /// </summary>
    public static WebAuthnRelyingParty? FromPublicBase(Uri publicBase, string name)
    {
        ArgumentNullException.ThrowIfNull(publicBase);
        var host = publicBase.IdnHost.ToLowerInvariant();
        if (publicBase.HostNameType is not UriHostNameType.Dns || IPAddress.TryParse(host, out _))
            return null;
        var isLocalhost = host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal);
        if (publicBase.Scheme != Uri.UriSchemeHttps && !(publicBase.Scheme == Uri.UriSchemeHttp && isLocalhost))
            return null;
        var origin = publicBase.IsDefaultPort ? $"{publicBase.Scheme}://{host}" : $"{publicBase.Scheme}://{host}:{publicBase.Port}";
        return new WebAuthnRelyingParty(host, origin, string.IsNullOrWhiteSpace(name) ? host : name);
    }
}
