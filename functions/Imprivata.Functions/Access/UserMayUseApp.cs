namespace Imprivata.Functions.Access;

/// <summary>The user is enabled, licensed, and the app is deployed to them (<see cref="AppAccess"/>); nothing to check without an app.</summary>
public sealed class UserMayUseApp(AppAccess access) : IAccessStep
{
    public const string Message = "This application is not available to your account.";

    public async ValueTask<AccessOutcome?> CheckAsync(AccessAttempt attempt, CancellationToken ct)
    {
        if (attempt.ClientId is not { } clientId)
            return null;
        var decision = await access.CheckAsync(attempt.User, clientId, ct).ConfigureAwait(false);
        return decision.Allowed ? null : AccessOutcome.Refuse(RefusalKind.AccessDenied, decision.Reason, Message);
    }
}
