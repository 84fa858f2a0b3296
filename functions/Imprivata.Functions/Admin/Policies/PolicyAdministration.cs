using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Policies;

namespace Imprivata.Functions.Admin.Policies;

/// <summary>
/// Users > User policies, Users > Workflow policy and its enrollment rules, shared by the JSON API and the console pages:
/// validated against the directory and the other policies, saved through <see cref="IPolicyStore"/>, every change audited.
/// </summary>
public sealed class PolicyAdministration(IPolicyStore store, IDirectoryStore directory, AdminAudit audit)
{
    public static string RuleOf(UserPolicy p) => p.EnrollmentRuleId ?? EnrollmentRule.DefaultId;

    public Task<IReadOnlyList<UserPolicy>> ListUserPoliciesAsync(CancellationToken ct) => store.ListUserPoliciesAsync(ct);

    public async Task<UserPolicy?> GetUserPolicyAsync(string id, CancellationToken ct) =>
        (await store.ListUserPoliciesAsync(ct).ConfigureAwait(false)).FirstOrDefault(p => p.Id == id);

    public Task<IReadOnlyList<EnrollmentRule>> ListRulesAsync(CancellationToken ct) => store.ListEnrollmentRulesAsync(ct);

    public async Task<EnrollmentRule?> GetRuleAsync(string id, CancellationToken ct) =>
        (await store.ListEnrollmentRulesAsync(ct).ConfigureAwait(false)).FirstOrDefault(r => r.Id == id);

    public Task<WorkflowPolicy> GetWorkflowAsync(CancellationToken ct) => store.GetWorkflowPolicyAsync(ct);

    public Task<AdminResult<UserPolicy>> CreateUserPolicyAsync(AdminPrincipal actor, UserPolicyRequest request, CancellationToken ct) =>
        SaveUserPolicyAsync(actor, request.ToPolicy(DirectoryService.NewId()), isNew: true, ct);

    public async Task<AdminResult<UserPolicy>> UpdateUserPolicyAsync(AdminPrincipal actor, string id, UserPolicyRequest request, CancellationToken ct)
    {
        if (await GetUserPolicyAsync(id, ct).ConfigureAwait(false) is null)
            return await AuditedAsync(actor, AuditKinds.AdminPolicyUserUpdate, AdminResult<UserPolicy>.Fail(DirectoryErrors.NotFound), $"policy={id}", ct).ConfigureAwait(false);
        return await SaveUserPolicyAsync(actor, request.ToPolicy(id), isNew: false, ct).ConfigureAwait(false);
    }

    private async Task<AdminResult<UserPolicy>> SaveUserPolicyAsync(AdminPrincipal actor, UserPolicy policy, bool isNew, CancellationToken ct)
    {
        var kind = isNew ? AuditKinds.AdminPolicyUserCreate : AuditKinds.AdminPolicyUserUpdate;
        policy = policy with { Members = PolicyRules.Normalized(policy.Members) };
        var error = PolicyRules.CheckUserPolicy(policy) ?? await CheckReferencesAsync(policy, ct).ConfigureAwait(false);
        if (error is null)
            await store.SaveUserPolicyAsync(policy, ct).ConfigureAwait(false);
        var result = error is null ? AdminResult<UserPolicy>.Ok(policy) : AdminResult<UserPolicy>.Fail(error);
        return await AuditedAsync(actor, kind, result, $"policy={policy.Id};name={policy.Name};rule={RuleOf(policy)}", ct).ConfigureAwait(false);
    }

    private async Task<string?> CheckReferencesAsync(UserPolicy policy, CancellationToken ct)
    {
        var others = await store.ListUserPoliciesAsync(ct).ConfigureAwait(false);
        if (others.Any(p => p.Id != policy.Id && string.Equals(p.Name, policy.Name, StringComparison.OrdinalIgnoreCase)))
            return PolicyErrors.PolicyNameTaken;
        if (policy.EnrollmentRuleId is { } ruleId && await GetRuleAsync(ruleId, ct).ConfigureAwait(false) is null)
            return PolicyErrors.RuleNotFound;
        foreach (var userId in policy.Members.UserIds)
        {
            if (await directory.FindUserByIdAsync(userId, ct).ConfigureAwait(false) is null)
                return PolicyErrors.MemberNotFound;
        }
        foreach (var groupId in policy.Members.GroupIds)
        {
            if (await directory.FindGroupByIdAsync(groupId, ct).ConfigureAwait(false) is null)
                return PolicyErrors.MemberNotFound;
        }
        return null;
    }

    /// <summary>Deletes a user policy and takes it out of every workflow; its users fall to the next matching policy or the default.</summary>
    public async Task<AdminResult<bool>> DeleteUserPolicyAsync(AdminPrincipal actor, string id, CancellationToken ct)
    {
        AdminResult<bool> result;
        if (id == UserPolicy.DefaultId)
            result = AdminResult<bool>.Fail(PolicyErrors.DefaultPolicyCannotBeDeleted);
        else if (!await store.DeleteUserPolicyAsync(id, ct).ConfigureAwait(false))
            result = AdminResult<bool>.Fail(DirectoryErrors.NotFound);
        else
        {
            var workflow = await store.GetWorkflowPolicyAsync(ct).ConfigureAwait(false);
            var cleaned = workflow with { WebSso = Without(workflow.WebSso, id), RemoteAccess = Without(workflow.RemoteAccess, id), SecondFactorOnly = Without(workflow.SecondFactorOnly, id) };
            if (cleaned != workflow)
                await store.SaveWorkflowPolicyAsync(cleaned, ct).ConfigureAwait(false);
            result = AdminResult<bool>.Ok(true);
        }
        return await AuditedAsync(actor, AuditKinds.AdminPolicyUserDelete, result, $"policy={id}", ct).ConfigureAwait(false);
    }

    private static Workflow Without(Workflow w, string policyId) =>
        w.UserPolicyIds.Contains(policyId, StringComparer.Ordinal) ? w with { UserPolicyIds = [.. w.UserPolicyIds.Where(p => p != policyId)] } : w;

    public async Task<AdminResult<EnrollmentRule>> CreateRuleAsync(AdminPrincipal actor, EnrollmentRuleRequest request, CancellationToken ct)
    {
        var error = request.ToRule(DirectoryService.NewId(), out var rule);
        return await SaveRuleAsync(actor, AuditKinds.AdminPolicyRuleCreate, rule, error, ct).ConfigureAwait(false);
    }

    public async Task<AdminResult<EnrollmentRule>> UpdateRuleAsync(AdminPrincipal actor, string id, EnrollmentRuleRequest request, CancellationToken ct)
    {
        if (await GetRuleAsync(id, ct).ConfigureAwait(false) is null)
            return await AuditedAsync(actor, AuditKinds.AdminPolicyRuleUpdate, AdminResult<EnrollmentRule>.Fail(DirectoryErrors.NotFound), $"rule={id}", ct).ConfigureAwait(false);
        var error = request.ToRule(id, out var rule);
        return await SaveRuleAsync(actor, AuditKinds.AdminPolicyRuleUpdate, rule, error, ct).ConfigureAwait(false);
    }

    private async Task<AdminResult<EnrollmentRule>> SaveRuleAsync(AdminPrincipal actor, string kind, EnrollmentRule? rule, string? error, CancellationToken ct)
    {
        if (error is null && !PolicyRules.IsValidName(rule!.Name))
            error = PolicyErrors.RuleNameInvalid;
        if (error is null && (await store.ListEnrollmentRulesAsync(ct).ConfigureAwait(false)).Any(r => r.Id != rule!.Id && string.Equals(r.Name, rule.Name, StringComparison.OrdinalIgnoreCase)))
            error = PolicyErrors.RuleNameTaken;
        if (error is null)
            await store.SaveEnrollmentRuleAsync(rule!, ct).ConfigureAwait(false);
        var result = error is null ? AdminResult<EnrollmentRule>.Ok(rule!) : AdminResult<EnrollmentRule>.Fail(error);
        var detail = rule is null ? null : $"rule={rule.Id};access={rule.UnenrolledAccess.Name()};prompt={rule.Prompt.Name()};delay={rule.MayDelay}";
        return await AuditedAsync(actor, kind, result, detail, ct).ConfigureAwait(false);
    }

    /// <summary>Refused while user policies belong to the rule: move them to another rule first (nothing changes silently).</summary>
    public async Task<AdminResult<bool>> DeleteRuleAsync(AdminPrincipal actor, string id, CancellationToken ct)
    {
        AdminResult<bool> result;
        if (id == EnrollmentRule.DefaultId)
            result = AdminResult<bool>.Fail(PolicyErrors.DefaultRuleCannotBeDeleted);
        else if ((await store.ListUserPoliciesAsync(ct).ConfigureAwait(false)).Any(p => p.EnrollmentRuleId == id))
            result = AdminResult<bool>.Fail(PolicyErrors.RuleInUse);
        else
            result = await store.DeleteEnrollmentRuleAsync(id, ct).ConfigureAwait(false) ? AdminResult<bool>.Ok(true) : AdminResult<bool>.Fail(DirectoryErrors.NotFound);
        return await AuditedAsync(actor, AuditKinds.AdminPolicyRuleDelete, result, $"rule={id}", ct).ConfigureAwait(false);
    }

    /// <summary>Saves the three workflows and the options, and (when given) which enrollment rule each user policy belongs to.</summary>
    public async Task<AdminResult<WorkflowPolicy>> SaveWorkflowAsync(AdminPrincipal actor, WorkflowPolicyRequest request, CancellationToken ct)
    {
        var current = await store.GetWorkflowPolicyAsync(ct).ConfigureAwait(false);
        var policies = await store.ListUserPoliciesAsync(ct).ConfigureAwait(false);
        var rules = await store.ListEnrollmentRulesAsync(ct).ConfigureAwait(false);
        var error = request.ToPolicy(current, out var updated);
        var known = policies.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        if (error is null && new[] { updated.WebSso, updated.RemoteAccess, updated.SecondFactorOnly }.SelectMany(w => w.UserPolicyIds).Any(id => !known.Contains(id)))
            error = PolicyErrors.PolicyNotFound;
        // A live workflow with nothing that counts as a second factor would lock its users out.
        if (error is null && new[] { updated.WebSso, updated.RemoteAccess, updated.SecondFactorOnly }
                .Any(w => w.UserPolicyIds.Count > 0 && PolicyEngine.AllowedFactors(w, updated.Options).Count == 0))
            error = PolicyErrors.FactorRequired;
        var enroll = request.Enroll ?? new Dictionary<string, string>();
        if (error is null && enroll.Keys.Any(id => !known.Contains(id)))
            error = PolicyErrors.PolicyNotFound;
        if (error is null && enroll.Values.Any(ruleId => rules.All(r => r.Id != ruleId)))
            error = PolicyErrors.RuleNotFound;
        if (error is not null)
            return await AuditedAsync(actor, AuditKinds.AdminPolicyWorkflowUpdate, AdminResult<WorkflowPolicy>.Fail(error), null, ct).ConfigureAwait(false);

        foreach (var policy in policies.Where(p => enroll.TryGetValue(p.Id, out var ruleId) && ruleId != RuleOf(p)))
            await store.SaveUserPolicyAsync(policy with { EnrollmentRuleId = enroll[policy.Id] }, ct).ConfigureAwait(false);
        await store.SaveWorkflowPolicyAsync(updated, ct).ConfigureAwait(false);
        var detail = $"websso={Describe(updated.WebSso)};remote={Describe(updated.RemoteAccess)};second={Describe(updated.SecondFactorOnly)}"
            + $";numberMatching={updated.Options.NumberMatching};emailMfa={updated.Options.EmailCodesCountAsMfa};tempWebSso={updated.Options.TemporaryCodesForWebSso}"
            + (enroll.Count == 0 ? "" : ";enroll=" + string.Join(',', enroll.Select(p => p.Key + ":" + p.Value)));
        return await AuditedAsync(actor, AuditKinds.AdminPolicyWorkflowUpdate, AdminResult<WorkflowPolicy>.Ok(updated), detail, ct).ConfigureAwait(false);
    }

    private static string Describe(Workflow w) =>
        string.Join('+', w.SecondFactors.Select(Core.Mfa.FactorNames.Name)) + "/" + string.Join('+', w.UserPolicyIds);

    private async Task<AdminResult<T>> AuditedAsync<T>(AdminPrincipal actor, string kind, AdminResult<T> result, string? detail, CancellationToken ct)
    {
        if (result.Succeeded)
            await audit.SucceededAsync(actor, kind, ct, detail: detail).ConfigureAwait(false);
        else
            await audit.RecordAsync(actor, kind, "failure", result.Error!, ct, detail: detail).ConfigureAwait(false);
        return result;
    }
}
