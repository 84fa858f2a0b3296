using Imprivata.Core.UserDirectory;
using Imprivata.Core.Policies;

namespace Imprivata.Functions.Admin.Policies;

/// <summary>Checks on policy fields that need no storage: names, lengths, OU paths, domain names.</summary>
public static class PolicyRules
{
    public const int MaxNameLength = 128;
    public const int MaxDescriptionLength = 1024;
    public const int MaxOrder = 100_000;
    public const int MaxMembersPerKind = 500;

    public static bool IsValidName(string name) => name.Length is > 0 and <= MaxNameLength && !name.Any(char.IsControl);

    public static string? CheckUserPolicy(UserPolicy p)
    {
        if (!IsValidName(p.Name))
            return PolicyErrors.PolicyNameInvalid;
        if (p.Description.Length > MaxDescriptionLength || p.Description.Any(c => char.IsControl(c) && c is not '\n' and not '\r'))
            return PolicyErrors.DescriptionTooLong;
        if (!p.IsDefault && p.Order is < 0 or > MaxOrder)
            return PolicyErrors.OrderInvalid;
        var m = p.Members;
        // The default policy is whoever no other policy claims; members on it would suggest otherwise.
        if (p.IsDefault && !m.IsEmpty)
            return PolicyErrors.DefaultPolicyMembers;
        if (new[] { m.UserIds.Count, m.GroupIds.Count, m.OrganizationalUnits.Count, m.Domains.Count }.Any(n => n > MaxMembersPerKind))
            return PolicyErrors.TooManyMembers;
        if (m.OrganizationalUnits.Any(ou => OrganizationalUnits.Normalize(ou).Length == 0 || ou.Length > 512 || ou.Any(char.IsControl)))
            return PolicyErrors.OrganizationalUnitInvalid;
        if (m.Domains.Any(d => !IsDomain(d)))
            return PolicyErrors.DomainInvalid;
        return null;
    }

    /// <summary>A directory domain: DNS-like labels ("corp.example") or a single NetBIOS-style name ("local").</summary>
    public static bool IsDomain(string domain) =>
        domain.Length is > 0 and <= 253
        && domain.Split('.').All(label => label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && label[0] != '-' && label[^1] != '-');

    public static PolicyMembers Normalized(PolicyMembers m) => m with
    {
        OrganizationalUnits = [.. m.OrganizationalUnits.Select(OrganizationalUnits.Normalize).Distinct(StringComparer.OrdinalIgnoreCase)],
        Domains = [.. m.Domains.Select(d => d.ToLowerInvariant()).Distinct(StringComparer.Ordinal)],
    };
}
