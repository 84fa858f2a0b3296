using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Access;

/// <summary>
/// Who wants in, to which app, having proven what: what a front door (the OIDC authorization endpoint, the password login;
/// RADIUS, Entra's external method and SAML next) hands the access steps. No protocol types: each door renders the outcome.
/// </summary>
public sealed class AccessAttempt
{
    public required DirectoryUser User { get; init; }
    /// <summary>The app signed in to (OIDC client id, later a SAML entity id or RADIUS client), when there is one.</summary>
    public string? ClientId { get; init; }
    public required WorkflowKind Workflow { get; init; }
    /// <summary>The methods proven in this sign-in or SSO session (RFC 8176 values, "mfa" when a second factor was done).</summary>
    public required IReadOnlyList<string> Amr { get; init; }
    public DateTimeOffset AuthenticatedAt { get; init; }
    public Freshness Freshness { get; init; } = Freshness.Any;
    /// <summary>
    /// A sign-in that just checked the password offers enrolling a second factor even when the user may postpone it; an SSO
    /// session reused for another app is asked again only when enrolling cannot be postponed.
    /// </summary>
    public bool OfferEnrollment { get; init; }

    /// <summary>The policy engine's plan, once <see cref="PolicyAllows"/> asked for it.</summary>
    public AuthenticationPlan? Plan { get; set; }

    public bool SecondFactorProven => Amr.Contains(FactorAmr.Mfa);
}

/// <summary>How recent the authentication must be: at most <see cref="MaxAge"/> old, or done again now (OIDC max_age, prompt=login).</summary>
public sealed record Freshness(TimeSpan? MaxAge, bool Reauthenticate)
{
    public static Freshness Any { get; } = new(null, false);

    public bool IsMetBy(DateTimeOffset authenticatedAt, DateTimeOffset now) =>
        !Reauthenticate && (MaxAge is not { } max || now - authenticatedAt <= max);
}
