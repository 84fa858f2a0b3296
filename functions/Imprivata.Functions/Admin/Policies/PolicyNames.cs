using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;

namespace Imprivata.Functions.Admin.Policies;

/// <summary>The stable names the admin API and the console forms use for policy enums (never numbers).</summary>
public static class PolicyNames
{
    public static string Name(this UnenrolledAccess access) => access switch
    {
        UnenrolledAccess.PasswordOnly => "password-only",
        UnenrolledAccess.DifferentLoginMethod => "different-login-method",
        _ => throw new ArgumentOutOfRangeException(nameof(access)),
    };

    public static string Name(this EnrollmentPrompt prompt) => prompt switch
    {
        EnrollmentPrompt.AtLogin => "at-login",
        EnrollmentPrompt.NotPrompted => "not-prompted",
        _ => throw new ArgumentOutOfRangeException(nameof(prompt)),
    };

    public static bool TryParseAccess(string? text, out UnenrolledAccess access) => TryParse(text, Enum.GetValues<UnenrolledAccess>(), Name, out access);

    public static bool TryParsePrompt(string? text, out EnrollmentPrompt prompt) => TryParse(text, Enum.GetValues<EnrollmentPrompt>(), Name, out prompt);

    /// <summary>Parses factor names; refuses unknown names and the ones that are never a listed second factor.</summary>
    public static string? TryParseFactors(IEnumerable<string>? names, Func<Factor, bool> allowed, out IReadOnlyList<Factor> factors)
    {
        var list = new List<Factor>();
        factors = list;
        foreach (var name in names ?? [])
        {
            if (!FactorNames.TryParse(name, out var factor))
                return PolicyErrors.FactorInvalid;
            if (!allowed(factor))
                return PolicyErrors.FactorNotAllowed;
            if (!list.Contains(factor))
                list.Add(factor);
        }
        return null;
    }

    /// <summary>What a workflow may list: enrolled methods only (the password is the first step; temporary codes are an option).</summary>
    public static bool IsWorkflowFactor(Factor factor) => factor.IsEnrollable();

    private static bool TryParse<T>(string? text, T[] values, Func<T, string> name, out T value) where T : struct, Enum
    {
        foreach (var v in values)
        {
            if (string.Equals(name(v), text, StringComparison.Ordinal))
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }
}

/// <summary>Reason codes of refused policy changes (HTTP 400 with the code as reason; the console shows AdminMessages).</summary>
public static class PolicyErrors
{
    public const string PolicyNameInvalid = "policy_name_invalid";
    public const string PolicyNameTaken = "policy_name_taken";
    public const string RuleNameInvalid = "rule_name_invalid";
    public const string RuleNameTaken = "rule_name_taken";
    public const string DescriptionTooLong = "description_too_long";
    public const string OrderInvalid = "order_invalid";
    public const string TooManyMembers = "too_many_members";
    public const string MemberNotFound = "member_not_found";
    public const string OrganizationalUnitInvalid = "ou_invalid";
    public const string DomainInvalid = "domain_invalid";
    public const string DefaultPolicyMembers = "default_policy_has_no_members";
    public const string DefaultPolicyCannotBeDeleted = "default_policy_cannot_be_deleted";
    public const string RuleNotFound = "rule_not_found";
    public const string PolicyNotFound = "policy_not_found";
    public const string RuleInUse = "rule_in_use";
    public const string DefaultRuleCannotBeDeleted = "default_rule_cannot_be_deleted";
    public const string FactorInvalid = "factor_invalid";
    public const string FactorNotAllowed = "factor_not_allowed";
    public const string FactorRequired = "factor_required";
    public const string UnenrolledAccessInvalid = "unenrolled_access_invalid";
    public const string PromptInvalid = "prompt_invalid";
}
