namespace Imprivata.Core.Policies;

/// <summary>Persistence of user policies, enrollment rules and the one workflow policy.</summary>
public interface IPolicyStore
{
    /// <summary>Every user policy, ordered, the default (built in, editable) last.</summary>
    Task<IReadOnlyList<UserPolicy>> ListUserPoliciesAsync(CancellationToken ct);
    Task SaveUserPolicyAsync(UserPolicy policy, CancellationToken ct);
    Task<bool> DeleteUserPolicyAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<EnrollmentRule>> ListEnrollmentRulesAsync(CancellationToken ct);
    Task SaveEnrollmentRuleAsync(EnrollmentRule rule, CancellationToken ct);
    Task<bool> DeleteEnrollmentRuleAsync(string id, CancellationToken ct);

    Task<WorkflowPolicy> GetWorkflowPolicyAsync(CancellationToken ct);
    Task SaveWorkflowPolicyAsync(WorkflowPolicy policy, CancellationToken ct);
}
