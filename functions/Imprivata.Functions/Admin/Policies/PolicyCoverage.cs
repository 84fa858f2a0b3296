using Imprivata.Core.Policies;

namespace Imprivata.Functions.Admin.Policies;

/// <summary>
/// Which login workflows a user policy is associated with. The policy engine lets a user whose policy a workflow does not
/// list sign in with the first step alone (a phased rollout): with no workflow at all, a policy's members sign in with
/// their password only and cannot use the second-factor-only login, which the console must say rather than leave silent.
/// </summary>
public sealed record PolicyCoverage(IReadOnlyList<WorkflowKind> Workflows)
{
    public bool None => Workflows.Count == 0;

    public static PolicyCoverage Of(UserPolicy policy, WorkflowPolicy workflow) =>
        new([.. Enum.GetValues<WorkflowKind>().Where(k => workflow.For(k).UserPolicyIds.Contains(policy.Id, StringComparer.Ordinal))]);

    public static string Name(WorkflowKind kind) => kind switch
    {
        WorkflowKind.WebSso => "Web SSO log in",
        WorkflowKind.RemoteAccess => "Remote access log in",
        _ => "Second factor only",
    };

    public string Describe() => None ? "None: password only" : string.Join(", ", Workflows.Select(Name));

    public const string NoneWarning =
        "No workflow is associated with this user policy: its members sign in to web applications and remote access with their password only, " +
        "and cannot use the second-factor-only login. Associate it with a workflow in Workflow policy.";
}
