using Imprivata.RadiusEdge.Contract;

namespace Imprivata.RadiusEdge.Clients;

/// <summary>The clients file: <c>{"RadiusClients": [ {...}, ... ]}</c>.</summary>
public sealed class NasClientsFile
{
    public List<NasClientOptions> RadiusClients { get; set; } = [];
}

/// <summary>One RADIUS client (NAS / VPN gateway) as configured: the vendor's "Add new RADIUS client" screen.</summary>
public sealed class NasClientOptions
{
    public string Name { get; set; } = "";
    public string Type { get; set; } = "Other";
    /// <summary>Hostname, IP address, or CIDR network.</summary>
    public string Address { get; set; } = "";
    /// <summary>Shared secret ("encryption key"), 22 to 64 characters; create one with <c>generate-secret</c>.</summary>
    public string Secret { get; set; } = "";
    /// <summary>Optional second active secret while the secret is rotated: requests verifying with either are served.</summary>
    public string? PreviousSecret { get; set; }
    /// <summary>BlastRADIUS: drop Access-Requests without Message-Authenticator. On by default.</summary>
    public bool RequireMessageAuthenticator { get; set; } = true;
    /// <summary>BlastRADIUS: drop requests with Proxy-State but without Message-Authenticator. On by default.</summary>
    public bool LimitProxyState { get; set; } = true;
    /// <summary>
    /// Who checks the password: <c>Directory</c> (the backend, the default), <c>Ldap</c> (this edge binds to the on-premises
    /// directory named by <see cref="Ldap"/>; the password never leaves the site) or <c>None</c> (the gateway already did).
    /// </summary>
    public FirstFactorMode FirstFactor { get; set; } = FirstFactorMode.Directory;
    /// <summary>The LDAP profile (<c>RadiusEdge:Ldap:&lt;name&gt;</c>) for <c>FirstFactor: Ldap</c>.</summary>
    public string? Ldap { get; set; }
}
