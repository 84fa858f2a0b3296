namespace Imprivata.Functions.Tests.Hosting;

/// <summary>
/// Matches a request path against an Azure Functions route template the way the host's ASP.NET routing would, for the
/// subset our function.json files use: literal segments, {param}, {param?}, {param:maxlength(n)}, {*catchall}.
/// Anything else throws so an unsupported template cannot pass silently.
/// </summary>
public sealed class FunctionRouteTemplate
{
    private readonly IReadOnlyList<Segment> _segments;

    private FunctionRouteTemplate(IReadOnlyList<Segment> segments) => _segments = segments;

    private sealed record Segment(string? Literal, bool CatchAll, bool Optional, int? MaxLength);

    public static FunctionRouteTemplate Parse(string template) =>
        new(template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(ParseSegment).ToList());

    public bool Matches(string path)
    {
        var parts = path.Split('?')[0].Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return Match(0, parts, 0);
    }

    private bool Match(int s, string[] parts, int p)
    {
        if (s == _segments.Count)
            return p == parts.Length;
        var segment = _segments[s];
        if (segment.CatchAll)
            return true;
        if (p == parts.Length)
            return segment.Optional && Match(s + 1, parts, p);
        if (segment.Literal is not null)
            return string.Equals(segment.Literal, parts[p], StringComparison.OrdinalIgnoreCase) && Match(s + 1, parts, p + 1);
        if (segment.MaxLength is { } max && parts[p].Length > max)
            return false;
        return Match(s + 1, parts, p + 1);
    }

    private static Segment ParseSegment(string text)
    {
        if (!text.StartsWith('{'))
            return text.Contains('{') ? throw new NotSupportedException($"Complex segment '{text}'.") : new Segment(text, false, false, null);
        if (!text.EndsWith('}'))
            throw new NotSupportedException($"Complex segment '{text}'.");
        var inner = text[1..^1];
        if (inner.StartsWith('*'))
            return new Segment(null, true, true, null);
        var optional = inner.EndsWith('?');
        var parts = inner.TrimEnd('?').Split(':');
        int? maxLength = null;
        foreach (var constraint in parts.Skip(1))
        {
            if (constraint.StartsWith("maxlength(") && constraint.EndsWith(')'))
                maxLength = int.Parse(constraint["maxlength(".Length..^1]);
            else
                throw new NotSupportedException($"Route constraint '{constraint}'.");
        }
        return new Segment(null, false, optional, maxLength);
    }
}
