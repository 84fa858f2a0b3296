using Imprivata.Core.Mfa.Push;
using Imprivata.Functions.Hosting;
using Imprivata.Storage.Mfa;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>
/// Queue function "PushDeadline" (FunctionApp/PushDeadline/function.json): a challenge's deadline message arrives once its
/// visibility delay ends and expires the challenge if nobody answered. A message that surfaces early (clock skew between
/// the queue and us) is scheduled again for the remainder; unreadable messages fail and end on the poison queue.
/// </summary>
public sealed partial class PushDeadlineFunction(PushApproval push, IPushDeadlineScheduler deadlines, ILogger<PushDeadlineFunction> logger) : IFunctionHandler
{
    public const string Name = "PushDeadline";
    public const string Binding = "message";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        if (PushDeadlineMessage.Parse(invocation.GetDataString(Binding)) is not { } message)
        {
            LogUnreadable();
            return FunctionResult.Failed("unreadable deadline message");
        }
        var outcome = await push.ExpireIfPendingAsync(message.ChallengeId, ct);
        if (outcome == DeadlineOutcome.NotYetDue && await push.FindAsync(message.ChallengeId, ct) is { } challenge)
            await deadlines.ScheduleAsync(challenge.Id, challenge.ExpiresAt, ct);
        return FunctionResult.Completed([$"deadline: {outcome}"]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A push deadline message could not be read; it will be retried and then moved to the poison queue")]
    private partial void LogUnreadable();
}
