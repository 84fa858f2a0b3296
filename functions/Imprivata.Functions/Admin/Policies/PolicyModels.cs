using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;

namespace Imprivata.Functions.Admin.Policies;

public sealed record MembersRequest(IReadOnlyList<string>? UserIds, IReadOnlyList<string>? GroupIds, IReadOnlyList<string>? OrganizationalUnits, IReadOnlyList<string>? Domains)
{
    public PolicyMembers ToMembers() => new()
    {
        UserIds = Clean(UserIds),
        GroupIds = Clean(GroupIds),
        // Kept as typed after trimming; PolicyRules normalizes and checks them.
        OrganizationalUnits = Clean(OrganizationalUnits),
        Domains = Clean(Domains),
    };

    private static IReadOnlyList<string> Clean(IReadOnlyList<string>? values) =>
        [.. (values ?? []).Select(v => (v ?? "").Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal)];
}

public sealed record UserPolicyRequest(string? Name, string? Description, int? Order, MembersRequest? Members, string? EnrollmentRuleId)
{
    public UserPolicy ToPolicy(string id) => new()
    {
        Id = id,
        Name = (Name ?? "").Trim(),
        Description = (Description ?? "").Trim(),
        Order = Order ?? 100,
        Members = Members?.ToMembers() ?? new PolicyMembers(),
        EnrollmentRuleId = string.IsNullOrWhiteSpace(EnrollmentRuleId) ? null : EnrollmentRuleId.Trim(),
    };
}

public sealed record EnrollmentRuleRequest(string? Name, string? UnenrolledAccess, string? Prompt, bool? MayDelay, IReadOnlyList<string>? EnrollableFactors)
{
    /// <summary>Parses names; omitted choices take the rule defaults (password only, prompt at login, may delay).</summary>
    public string? ToRule(string id, out EnrollmentRule rule)
    {
        rule = null!;
        var access = Core.Policies.UnenrolledAccess.PasswordOnly;
        if (UnenrolledAccess is not null && !PolicyNames.TryParseAccess(UnenrolledAccess, out access))
            return PolicyErrors.UnenrolledAccessInvalid;
        var prompt = EnrollmentPrompt.AtLogin;
        if (Prompt is not null && !PolicyNames.TryParsePrompt(Prompt, out prompt))
            return PolicyErrors.PromptInvalid;
        if (PolicyNames.TryParseFactors(EnrollableFactors, f => f.IsEnrollable(), out var factors) is { } invalid)
            return invalid;
        rule = new EnrollmentRule
        {
            Id = id,
            Name = (Name ?? "").Trim(),
            UnenrolledAccess = access,
            Prompt = prompt,
            MayDelay = MayDelay ?? true,
            EnrollableFactors = EnrollableFactors is null ? EnrollmentRule.Default.EnrollableFactors : factors,
        };
        return null;
    }
}

public sealed record WorkflowRequest(IReadOnlyList<string>? SecondFactors, IReadOnlyList<string>? UserPolicyIds);
public sealed record AuthenticationOptionsRequest(bool? NumberMatching, bool? EmailCodesCountAsMfa, bool? TemporaryCodesForWebSso);

/// <summary>
/// PUT /console/api/workflow-policy. Omitted parts stay as they are. <see cref="Enroll"/> maps user policy id -> enrollment
/// rule id ("Enroll > Associate user policies"); a user policy belongs to exactly one rule, so the map is the whole truth.
/// </summary>
public sealed record WorkflowPolicyRequest(WorkflowRequest? WebSso, WorkflowRequest? RemoteAccess, WorkflowRequest? SecondFactorOnly,
    AuthenticationOptionsRequest? Options, IReadOnlyDictionary<string, string>? Enroll)
{
    public string? ToPolicy(WorkflowPolicy current, out WorkflowPolicy policy)
    {
        policy = current;
        foreach (var (kind, request) in new[] { (WorkflowKind.WebSso, WebSso), (WorkflowKind.RemoteAccess, RemoteAccess), (WorkflowKind.SecondFactorOnly, SecondFactorOnly) })
        {
            if (request is null)
                continue;
            var existing = current.For(kind);
            var factors = existing.SecondFactors;
            if (request.SecondFactors is not null && PolicyNames.TryParseFactors(request.SecondFactors, PolicyNames.IsWorkflowFactor, out factors) is { } invalid)
                return invalid;
            var workflow = new Workflow
            {
                SecondFactors = factors,
                UserPolicyIds = request.UserPolicyIds is null ? existing.UserPolicyIds : [.. request.UserPolicyIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal)],
            };
            policy = kind switch
            {
                WorkflowKind.WebSso => policy with { WebSso = workflow },
                WorkflowKind.RemoteAccess => policy with { RemoteAccess = workflow },
                _ => policy with { SecondFactorOnly = workflow },
            };
        }
        if (Options is { } o)
        {
            policy = policy with
            {
                Options = new AuthenticationOptions
                {
                    NumberMatching = o.NumberMatching ?? current.Options.NumberMatching,
                    EmailCodesCountAsMfa = o.EmailCodesCountAsMfa ?? current.Options.EmailCodesCountAsMfa,
                    TemporaryCodesForWebSso = o.TemporaryCodesForWebSso ?? current.Options.TemporaryCodesForWebSso,
                },
            };
        }
        return null;
    }
}

public sealed record WorkflowView(IReadOnlyList<string> SecondFactors, IReadOnlyList<string> UserPolicyIds)
{
    public static WorkflowView Of(Workflow w) => new([.. w.SecondFactors.Select(f => f.Name())], w.UserPolicyIds);
}

public sealed record WorkflowPolicyView(WorkflowView WebSso, WorkflowView RemoteAccess, WorkflowView SecondFactorOnly, AuthenticationOptions Options,
    IReadOnlyDictionary<string, string> Enroll)
{
    public static WorkflowPolicyView Of(WorkflowPolicy p, IReadOnlyList<UserPolicy> policies) =>
        new(WorkflowView.Of(p.WebSso), WorkflowView.Of(p.RemoteAccess), WorkflowView.Of(p.SecondFactorOnly), p.Options,
            policies.ToDictionary(u => u.Id, u => u.EnrollmentRuleId ?? EnrollmentRule.DefaultId, StringComparer.Ordinal));
}

public sealed record UserPolicyView(string Id, string Name, string Description, int Order, bool IsDefault, PolicyMembers Members, string EnrollmentRuleId)
{
    public static UserPolicyView Of(UserPolicy p) =>
        new(p.Id, p.Name, p.Description, p.Order, p.IsDefault, p.Members, p.EnrollmentRuleId ?? EnrollmentRule.DefaultId);
}

public sealed record EnrollmentRuleView(string Id, string Name, bool IsDefault, string UnenrolledAccess, string Prompt, bool MayDelay,
    IReadOnlyList<string> EnrollableFactors, IReadOnlyList<string> UserPolicyIds)
{
    public static EnrollmentRuleView Of(EnrollmentRule r, IReadOnlyList<UserPolicy> policies) =>
        new(r.Id, r.Name, r.Id == EnrollmentRule.DefaultId, r.UnenrolledAccess.Name(), r.Prompt.Name(), r.MayDelay,
            [.. r.EnrollableFactors.Select(f => f.Name())], [.. policies.Where(p => PolicyAdministration.RuleOf(p) == r.Id).Select(p => p.Id)]);
}
