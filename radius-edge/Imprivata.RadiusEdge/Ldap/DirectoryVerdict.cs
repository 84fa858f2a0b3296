namespace Imprivata.RadiusEdge.Ldap;

public enum DirectoryOutcome
{
    /// <summary>The directory accepted the user's own bind: the first factor passed.</summary>
    Passed,
    /// <summary>Wrong password, unknown, ambiguous or disabled user: all alike to the NAS and the backend.</summary>
    Rejected,
    /// <summary>The directory could not be asked (down, timeout, TLS, service account refused).</summary>
    Unavailable,
}

/// <summary>What the directory said. <see cref="Reason"/> is for the edge's own log only; it never leaves the edge.</summary>
public sealed record DirectoryVerdict(DirectoryOutcome Outcome, string Reason, IReadOnlyList<string> Groups, DirectoryUnavailable WhenUnavailable)
{
    public static DirectoryVerdict Passed(IReadOnlyList<string> groups) => new(DirectoryOutcome.Passed, "passed", groups, default);
    public static DirectoryVerdict Rejected(string reason) => new(DirectoryOutcome.Rejected, reason, [], default);
    public static DirectoryVerdict Unavailable(string reason, DirectoryUnavailable whenUnavailable) =>
        new(DirectoryOutcome.Unavailable, reason, [], whenUnavailable);
}
