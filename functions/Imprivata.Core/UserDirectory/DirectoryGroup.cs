namespace Imprivata.Core.UserDirectory;

/// <summary>A group; members are users or other groups (nesting).</summary>
public sealed record DirectoryGroup
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public string Domain { get; init; } = DirectoryDefaults.Domain;
    public DateTimeOffset CreatedAt { get; init; }
}

public enum MemberKind
{
    User = 0,
    Group = 1,
}

public sealed record GroupMember(string GroupId, MemberKind Kind, string MemberId);
