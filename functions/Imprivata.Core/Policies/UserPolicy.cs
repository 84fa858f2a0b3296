namespace Imprivata.Core.Policies;

/// <summary>
/// Users > User policies: who a set of rules applies to. A user belongs to exactly one policy: the first, by
/// <see cref="Order"/>, whose members include them (directly, through a nested group, an OU or a domain); the built-in
/// default policy catches everybody else.
/// </summary>
public sealed record UserPolicy
{
    public const string DefaultId = "default";

    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Lower comes first; the default policy is always last.</summary>
    public int Order { get; init; }
    public PolicyMembers Members { get; init; } = new();
    /// <summary>The one enrollment rule this policy belongs to; null uses the default rule.</summary>
    public string? EnrollmentRuleId { get; init; }

    public bool IsDefault => Id == DefaultId;

    public static UserPolicy Default { get; } = new() { Id = DefaultId, Name = "Default user policy", Order = int.MaxValue };
}

public sealed record PolicyMembers
{
    public IReadOnlyList<string> UserIds { get; init; } = [];
    /// <summary>Groups; members of nested groups are members too.</summary>
    public IReadOnlyList<string> GroupIds { get; init; } = [];
    /// <summary>OU paths such as "Clinical/Nursing"; users in sub-OUs are included.</summary>
    public IReadOnlyList<string> OrganizationalUnits { get; init; } = [];
    public IReadOnlyList<string> Domains { get; init; } = [];

    public bool IsEmpty => UserIds.Count == 0 && GroupIds.Count == 0 && OrganizationalUnits.Count == 0 && Domains.Count == 0;
}
