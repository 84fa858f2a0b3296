namespace Imprivata.Functions.Access;

/// <summary>One rule of an access attempt, in the order of an <see cref="AccessSteps"/> list.</summary>
public interface IAccessStep
{
    /// <summary>Null when this rule lets the attempt go on; otherwise how the attempt ends here.</summary>
    ValueTask<AccessOutcome?> CheckAsync(AccessAttempt attempt, CancellationToken ct);
}
