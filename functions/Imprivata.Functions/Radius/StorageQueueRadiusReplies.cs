using Imprivata.RadiusEdge.Contract;
using Imprivata.Storage.Queues;

namespace Imprivata.Functions.Radius;

/// <summary>
/// Decisions on the edge's reply queue, <c>ReplyQueuePrefix + edgeId</c> spelled as the edge spells it (lower case, any
/// other character a hyphen, at most 63), as base64 of the JSON, which the edge's queue client decodes.
/// </summary>
public sealed class StorageQueueRadiusReplies(QueueSet queues, RadiusOptions options) : IRadiusReplyChannel
{
    /// <summary>A decision nobody read within this is of no use: the edge answers or gives up well before.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);

    public async Task SendAsync(Decision decision, CancellationToken ct)
    {
        var queue = await queues.GetAsync(ReplyQueueName(options.ReplyQueuePrefix, decision.EdgeId), ct).ConfigureAwait(false);
        await queue.SendMessageAsync(RadiusMessages.Write(decision), visibilityTimeout: null, timeToLive: TimeToLive, ct).ConfigureAwait(false);
    }

    /// <summary>Queue names are 3-63 lower-case letters, digits and single hyphens: the edge derives its reply queue the same way.</summary>
    public static string ReplyQueueName(string prefix, string edgeId)
    {
        var chars = (prefix + edgeId).ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var name = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return name.Length > 63 ? name[..63].TrimEnd('-') : name;
    }
}
