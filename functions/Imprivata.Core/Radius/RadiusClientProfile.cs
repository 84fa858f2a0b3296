using System.Net;

namespace Imprivata.Core.Radius;

/// <summary>
/// Applications > Remote access integrations: one RADIUS client (a VPN gateway, the NAS) as the backend knows it. The edge
/// holds the network half (address, shared secret); this profile holds how the backend decides for the client's users. Its
/// key is <see cref="Name"/>, the name of the edge's client entry that every request carries (<c>clientName</c>, or
/// <c>nas.name</c> from an edge that does not send it).
/// </summary>
public sealed record RadiusClientProfile
{
    public const int MaxNameLength = 64;
    public const int MaxGroupRules = 50;
    public const int MaxAttributesPerRule = 20;
    public static readonly TimeSpan DefaultPushTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MinPushTimeout = TimeSpan.FromSeconds(5);
    /// <summary>A push hold extends the edge's wait up to its MaxHold (2 minutes by default); the gateway must wait as long.</summary>
    public static readonly TimeSpan MaxPushTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The edge's client entry name (case-insensitive).</summary>
    public required string Name { get; init; }
    /// <summary>Gateway make, as the console lists it ("Cisco ASA", "Fortinet FortiGate", "Other").</summary>
    public string Type { get; init; } = "Other";
    public string Description { get; init; } = "";
    /// <summary>A disabled client's requests are all rejected.</summary>
    public bool Enabled { get; init; } = true;
    /// <summary>IP addresses or CIDR networks the NAS may send from; empty accepts whatever address the edge matched the client by.</summary>
    public IReadOnlyList<string> NasAddresses { get; init; } = [];
    public FirstFactorMode FirstFactor { get; init; } = FirstFactorMode.Directory;
    /// <summary>How long a push waits for the user's answer; the decision is held that long.</summary>
    public TimeSpan PushTimeout { get; init; } = DefaultPushTimeout;
    /// <summary>
    /// The gateway shows an Access-Challenge's Reply-Message and sends the user's answer back (most SSL VPNs do). Without it
    /// the only second factor possible is a push without number matching.
    /// </summary>
    public bool Challenges { get; init; } = true;
    /// <summary>
    /// "Allow remote access for users without a remote access licence": users not licensed for remote access, and (with an
    /// LDAP or gateway first factor) users the directory does not know, get in with the first factor alone.
    /// </summary>
    public bool NonLicensedAccess { get; init; }
    /// <summary>
    /// The active shared secrets (RADIUS's "encryption key"), one or two: the first is current, a second is the previous one
    /// kept while a rotation reaches the gateway. The edge verifies with either. Stored sealed; never listed or logged.
    /// </summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
    /// <summary>With <see cref="FirstFactorMode.Ldap"/>: the edge's <c>Ldap:&lt;profile&gt;</c> that binds the user.</summary>
    public string? LdapProfile { get; init; }
    /// <summary>The edge drops an Access-Request without a valid Message-Authenticator (the Blast-RADIUS defence).</summary>
    public bool RequireMessageAuthenticator { get; init; } = true;
    /// <summary>The edge drops a request with more Proxy-State than a gateway sends (Blast-RADIUS smuggles data in it).</summary>
    public bool LimitProxyState { get; init; } = true;
    /// <summary>Attributes sent in the Access-Accept, chosen by group membership: the first rule whose group holds the user.</summary>
    public IReadOnlyList<RadiusGroupAttributes> GroupAttributes { get; init; } = [];

    /// <summary>Whether a request from <paramref name="address"/> may be this client's.</summary>
    public bool AllowsNasAddress(string? address)
    {
        if (NasAddresses.Count == 0)
            return true;
        if (!IPAddress.TryParse(address, out var ip))
            return false;
        ip = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        foreach (var entry in NasAddresses)
        {
            if (IPNetwork.TryParse(entry, out var network) && network.Contains(ip))
                return true;
            if (IPAddress.TryParse(entry, out var single) && single.Equals(ip))
                return true;
        }
        return false;
    }

    /// <summary>What is wrong with this profile, as stable codes (empty when it may be saved). Attribute names are checked by the caller's dictionary.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > MaxNameLength || Name.Any(char.IsControl) || Name != Name.Trim())
            problems.Add("name_invalid");
        if (NasAddresses.Any(a => !IPNetwork.TryParse(a, out _) && !IPAddress.TryParse(a, out _)))
            problems.Add("nas_address_invalid");
        if (!Enum.IsDefined(FirstFactor))
            problems.Add("first_factor_invalid");
        if (Secrets.Count is < 1 or > 2 || !Secrets.All(RadiusSharedSecret.IsValid)
            || Secrets.Distinct(StringComparer.Ordinal).Count() != Secrets.Count)
            problems.Add("secrets_invalid");
        if (LdapProfile is not null && !IsLdapProfileName(LdapProfile))
            problems.Add("ldap_profile_invalid");
        else if (FirstFactor == FirstFactorMode.Ldap && string.IsNullOrEmpty(LdapProfile))
            problems.Add("ldap_profile_required");
        if (PushTimeout < MinPushTimeout || PushTimeout > MaxPushTimeout)
            problems.Add("push_timeout_invalid");
        if (GroupAttributes.Count > MaxGroupRules || GroupAttributes.Any(r => string.IsNullOrWhiteSpace(r.Group) || r.Attributes.Count > MaxAttributesPerRule))
            problems.Add("group_attributes_invalid");
        return problems;
    }

    /// <summary>A configuration key segment: letters, digits, '-', '_' (up to 64), as the edge's <c>Ldap:&lt;profile&gt;</c> sections are named.</summary>
    public static bool IsLdapProfileName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>Who checks the first factor (the password) for a client's users.</summary>
public enum FirstFactorMode
{
    /// <summary>The backend checks the password against the built-in directory (the edge seals it to the backend).</summary>
    Directory = 0,
    /// <summary>The edge binds to the on-premises directory; the password never leaves the site and the edge reports the result and groups.</summary>
    Ldap = 1,
    /// <summary>The gateway checked the password itself; the backend adds the second factor only.</summary>
    None = 2,
}

/// <summary>
/// When the user belongs to <see cref="Group"/> (a built-in directory group id, or an LDAP group DN the edge reported;
/// nested membership counts) the Access-Accept carries <see cref="Attributes"/>. <see cref="Everyone"/> matches every user.
/// </summary>
public sealed record RadiusGroupAttributes
{
    public const string Everyone = "*";

    public required string Group { get; init; }
    public IReadOnlyList<RadiusReplyAttribute> Attributes { get; init; } = [];
}

/// <summary>An attribute by its dictionary name (Class, Filter-Id, a vendor's), its value as text (integers by value name where the dictionary has one).</summary>
public sealed record RadiusReplyAttribute(string Name, string Value);

public static class FirstFactorModes
{
    /// <summary>The contract's names: "directory", "ldap", "none".</summary>
    public static string Name(this FirstFactorMode mode) => mode switch
    {
        FirstFactorMode.Directory => "directory",
        FirstFactorMode.Ldap => "ldap",
        FirstFactorMode.None => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static bool TryParse(string? name, out FirstFactorMode mode)
    {
        foreach (var m in Enum.GetValues<FirstFactorMode>())
        {
            if (string.Equals(m.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                mode = m;
                return true;
            }
        }
        mode = default;
        return false;
    }
}
