using System.Text.Json;
using Imprivata.Core.Mfa.Push;
using Imprivata.Storage.Queues;

namespace Imprivata.Storage.Mfa;

/// <summary>The deadline message of a push challenge: <c>{"challengeId":"…"}</c>, invisible on the queue until the deadline.</summary>
public sealed record PushDeadlineMessage(string ChallengeId)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Null for anything that is not a deadline message (a poison candidate, never an exception).</summary>
    public static PushDeadlineMessage? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        try
        {
            return JsonSerializer.Deserialize<PushDeadlineMessage>(text, Json) is { ChallengeId.Length: > 0 } message ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Schedules deadlines as Storage queue messages with a visibility delay (the stand-in for a Durable Functions timer).
/// The delay is rounded up to whole seconds, so the message never becomes visible before the deadline it carries.
/// </summary>
public sealed class StorageQueuePushDeadlines(QueueSet queues, string queueName, TimeProvider time) : IPushDeadlineScheduler
{
    public string QueueName => queueName;

    public async Task ScheduleAsync(string challengeId, DateTimeOffset dueAt, CancellationToken ct)
    {
        var queue = await queues.GetAsync(queueName, ct).ConfigureAwait(false);
        var delay = dueAt - time.GetUtcNow();
        var seconds = Math.Clamp(Math.Ceiling(delay.TotalSeconds), 0, TimeSpan.FromDays(7).TotalSeconds - 1);
        await queue.SendMessageAsync(new PushDeadlineMessage(challengeId).ToJson(), TimeSpan.FromSeconds(seconds), cancellationToken: ct).ConfigureAwait(false);
    }
}
