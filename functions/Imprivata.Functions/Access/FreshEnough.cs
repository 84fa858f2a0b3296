namespace Imprivata.Functions.Access;

/// <summary>
/// OIDC Core 3.1.2.1 (max_age, prompt=login): an authentication older than the request accepts, or one the request wants
/// done again, sends the user back to sign in; it is not a refusal.
/// </summary>
public sealed class FreshEnough(TimeProvider time) : IAccessStep
{
    public ValueTask<AccessOutcome?> CheckAsync(AccessAttempt attempt, CancellationToken ct) =>
        new(attempt.Freshness.IsMetBy(attempt.AuthenticatedAt, time.GetUtcNow()) ? null : new AccessOutcome.SignInAgain());
}
