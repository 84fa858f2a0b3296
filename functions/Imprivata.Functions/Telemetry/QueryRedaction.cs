using System.Diagnostics;
using System.Text;
using OpenTelemetry;

namespace Imprivata.Functions.Telemetry;

/// <summary>
/// Replaces every query-string value in a span's URL tags with "Redacted", keeping the names: enough to tell
/// /connect/authorize?code=Redacted&amp;state=Redacted apart, nothing a reader could use.
/// </summary>
public static class QueryRedaction
{
    public const string Redacted = "Redacted";
    /// <summary>The query-string tag, and the URL tags (stable semantic conventions and older ones) that may end in one.</summary>
    private const string QueryTag = "url.query";
    private static readonly string[] UrlTags = ["url.full", "http.url", "http.target"];

    public static void Apply(Activity activity)
    {
        if (activity.GetTagItem(QueryTag) is string { Length: > 0 } query)
            activity.SetTag(QueryTag, Redact(query.StartsWith('?') ? query : "?" + query));
        foreach (var tag in UrlTags)
        {
            if (activity.GetTagItem(tag) is string url && url.Contains('?', StringComparison.Ordinal))
                activity.SetTag(tag, Redact(url));
        }
    }

    /// <summary>The text up to the first '?' unchanged, then each parameter as name=Redacted; a fragment is dropped.</summary>
    public static string Redact(string url)
    {
        var question = url.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
            return url;
        var (head, query) = (url[..question], url[(question + 1)..]);
        var hash = query.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
            query = query[..hash];
        var redacted = new StringBuilder(head).Append('?');
        var first = true;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!first)
                redacted.Append('&');
            first = false;
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            redacted.Append(equals < 0 ? pair : pair[..equals]).Append('=').Append(Redacted);
        }
        return redacted.ToString();
    }
}

/// <summary>Applies <see cref="QueryRedaction"/> to every finished span, whatever source recorded it.</summary>
public sealed class QueryRedactionProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data) => QueryRedaction.Apply(data);
}
