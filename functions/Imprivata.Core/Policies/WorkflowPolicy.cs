using Imprivata.Core.Mfa;

namespace Imprivata.Core.Policies;

/// <summary>Users > Workflow policy: which second factors each entry point accepts, for which user policies.</summary>
public sealed record WorkflowPolicy
{
    /// <summary>"Web SSO log in": password plus one of these.</summary>
    public Workflow WebSso { get; init; } = new() { SecondFactors = [Factor.Push, Factor.OtpToken, Factor.Sms, Factor.WebAuthn] };
    /// <summary>"Remote access log in": by default password + push, password + SMS (reference, Step 2).</summary>
    public Workflow RemoteAccess { get; init; } = new() { SecondFactors = [Factor.Push, Factor.Sms] };
    /// <summary>"Second factor only" (the Entra external method): one of these factors, no password.</summary>
    public Workflow SecondFactorOnly { get; init; } = new() { SecondFactors = [Factor.Push, Factor.OtpToken, Factor.Sms, Factor.WebAuthn] };
    public AuthenticationOptions Options { get; init; } = new();

    public Workflow For(WorkflowKind kind) => kind switch
    {
        WorkflowKind.WebSso => WebSso,
        WorkflowKind.RemoteAccess => RemoteAccess,
        WorkflowKind.SecondFactorOnly => SecondFactorOnly,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

public enum WorkflowKind
{
    WebSso = 0,
    RemoteAccess = 1,
    SecondFactorOnly = 2,
}

public sealed record Workflow
{
    /// <summary>Allowed second factors, in the order offered to users.</summary>
    public IReadOnlyList<Factor> SecondFactors { get; init; } = [];
    /// <summary>User policies this workflow is live for ("Associate user policies"); others are not affected by it.</summary>
    public IReadOnlyList<string> UserPolicyIds { get; init; } = [];
}

/// <summary>Workflow policy > Authentication options.</summary>
public sealed record AuthenticationOptions
{
    /// <summary>"Require Web SSO and remote access users to enter a code when using Imprivata ID" (2-digit number matching).</summary>
    public bool NumberMatching { get; init; } = true;
    /// <summary>E-mail codes are not a second factor unless the administrator accepts that risk explicitly.</summary>
    public bool EmailCodesCountAsMfa { get; init; }
    /// <summary>Temporary codes always serve remote access; for Web SSO and second-factor-only only when this is on.</summary>
    public bool TemporaryCodesForWebSso { get; init; } = true;
}
