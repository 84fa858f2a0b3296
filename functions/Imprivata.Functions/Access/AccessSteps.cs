namespace Imprivata.Functions.Access;

/// <summary>
/// The ordered rules every front door runs (the first that ends the attempt decides), and the runner. The doors differ
/// only in what they check before (their protocol's own rules) and in how they render the outcome.
/// </summary>
public sealed class AccessSteps(FreshEnough freshEnough, UserMayUseApp userMayUseApp, PolicyAllows policyAllows, SecondFactorSettled secondFactorSettled)
{
    /// <summary>An SSO session used for an app (the OIDC authorization endpoint).</summary>
    public IReadOnlyList<IAccessStep> SessionForApp { get; } = [freshEnough, userMayUseApp, policyAllows, secondFactorSettled];

    /// <summary>
    /// Right after a correct password (the web login). The app is not checked here: the login only decides how the user
    /// authenticates, and the app's own front door refuses it next.
    /// </summary>
    public IReadOnlyList<IAccessStep> AfterPassword { get; } = [policyAllows, secondFactorSettled];

    public static async Task<AccessOutcome> RunAsync(IReadOnlyList<IAccessStep> steps, AccessAttempt attempt, CancellationToken ct)
    {
        foreach (var step in steps)
            if (await step.CheckAsync(attempt, ct).ConfigureAwait(false) is { } outcome)
                return outcome;
        throw new InvalidOperationException("An access step list must end in a step that always decides.");
    }
}

public static class AccessSetup
{
    public static IServiceCollection AddAccessSteps(this IServiceCollection services) => services
        .AddSingleton<AppAccess>()
        .AddSingleton<FreshEnough>()
        .AddSingleton<UserMayUseApp>()
        .AddSingleton<PolicyAllows>()
        .AddSingleton<SecondFactorSettled>()
        .AddSingleton<AccessSteps>();
}
