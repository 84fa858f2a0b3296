using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;

namespace Imprivata.Functions.Admin.Reports;

public sealed record EnrolledUsersFilter(Factor? Factor, string? UserPolicyId, string? UsernameContains);

public sealed record EnrolledUserRow(string UserId, string Username, string DisplayName, string? Email, string UserPolicy,
    IReadOnlyList<string> Factors, DateTimeOffset EnrolledAt, DateTimeOffset? LastUsedAt);

public sealed record UnenrolledUsersFilter(string? UserPolicyId, string? UsernameContains);

public sealed record UnenrolledUserRow(string UserId, string Username, string DisplayName, string? Email, string? Phone, string Domain,
    string OrganizationalUnit, string UserPolicy, string EnrollmentRule);

/// <summary>
/// Reports > "Enrolled users" and "Unenrolled users (remote access)". Each scans the directory and the enrollments once
/// (admin path only) and decides policy membership and allowed factors with the policy engine's own rules.
/// </summary>
public sealed class EnrollmentReports(IDirectoryStore directory, IEnrollmentStore enrollments, IPolicyStore policies, UserPolicyResolver resolver)
{
    /// <summary>Users with at least one confirmed enrollment (of the filtered factor), one row per user.</summary>
    public async Task<IReadOnlyList<EnrolledUserRow>> EnrolledUsersAsync(EnrolledUsersFilter filter, CancellationToken ct)
    {
        var confirmed = await ConfirmedByUserAsync(ct).ConfigureAwait(false);
        var rows = new List<EnrolledUserRow>();
        await foreach (var user in directory.ListUsersAsync(ct).ConfigureAwait(false))
        {
            if (!confirmed.TryGetValue(user.Id, out var list) || !NameMatches(user, filter.UsernameContains))
                continue;
            if (filter.Factor is { } factor && !list.Any(e => e.Factor == factor))
                continue;
            var policy = await resolver.ResolveAsync(user, ct).ConfigureAwait(false);
            if (filter.UserPolicyId is { Length: > 0 } wanted && policy.Id != wanted)
                continue;
            rows.Add(new EnrolledUserRow(user.Id, user.Username, user.DisplayName, user.Email, policy.Name,
                [.. list.Select(e => e.Factor).Distinct().Order().Select(f => f.DisplayName())],
                list.Min(e => e.CreatedAt), list.Max(e => e.LastUsedAt)));
        }
        return [.. rows.OrderBy(r => r.Username, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>
    /// Enabled users licensed for remote access whose user policy is associated with the Remote access workflow and who have
    /// no confirmed enrollment of a factor that workflow allows: the people who would be prompted or blocked at the VPN.
    /// </summary>
    public async Task<IReadOnlyList<UnenrolledUserRow>> UnenrolledRemoteAccessAsync(UnenrolledUsersFilter filter, CancellationToken ct)
    {
        var workflowPolicy = await policies.GetWorkflowPolicyAsync(ct).ConfigureAwait(false);
        var workflow = workflowPolicy.RemoteAccess;
        var allowed = PolicyEngine.AllowedFactors(workflow, workflowPolicy.Options).ToHashSet();
        var rules = await policies.ListEnrollmentRulesAsync(ct).ConfigureAwait(false);
        var confirmed = await ConfirmedByUserAsync(ct).ConfigureAwait(false);
        var rows = new List<UnenrolledUserRow>();
        await foreach (var user in directory.ListUsersAsync(ct).ConfigureAwait(false))
        {
            if (!user.Enabled || !user.LicensedForRemoteAccess || !NameMatches(user, filter.UsernameContains))
                continue;
            var policy = await resolver.ResolveAsync(user, ct).ConfigureAwait(false);
            if (!workflow.UserPolicyIds.Contains(policy.Id, StringComparer.Ordinal))
                continue;
            if (filter.UserPolicyId is { Length: > 0 } wanted && policy.Id != wanted)
                continue;
            var provided = confirmed.GetValueOrDefault(user.Id, []).SelectMany(PolicyEngine.ProvidedFactors);
            if (provided.Any(allowed.Contains))
                continue;
            var rule = rules.FirstOrDefault(r => r.Id == policy.EnrollmentRuleId) ?? rules.FirstOrDefault(r => r.Id == EnrollmentRule.DefaultId) ?? EnrollmentRule.Default;
            rows.Add(new UnenrolledUserRow(user.Id, user.Username, user.DisplayName, user.Email, user.Phone, user.Domain, user.OrganizationalUnit, policy.Name, rule.Name));
        }
        return [.. rows.OrderBy(r => r.Username, StringComparer.OrdinalIgnoreCase)];
    }

    private async Task<Dictionary<string, List<Enrollment>>> ConfirmedByUserAsync(CancellationToken ct)
    {
        var byUser = new Dictionary<string, List<Enrollment>>(StringComparer.Ordinal);
        await foreach (var e in enrollments.ListAllAsync(ct).ConfigureAwait(false))
        {
            if (!e.Confirmed)
                continue;
            if (!byUser.TryGetValue(e.UserId, out var list))
                byUser[e.UserId] = list = [];
            list.Add(e);
        }
        return byUser;
    }

    private static bool NameMatches(DirectoryUser user, string? contains) =>
        string.IsNullOrWhiteSpace(contains) || user.Username.Contains(contains.Trim(), StringComparison.OrdinalIgnoreCase);
}
