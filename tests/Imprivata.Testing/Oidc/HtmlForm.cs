using System.Net;
using System.Text.RegularExpressions;

namespace Imprivata.Testing;

/// <summary>The first POST form of a page, as a browser would submit it: its action and its named inputs.</summary>
public sealed partial record HtmlForm(Uri Action, List<KeyValuePair<string, string>> Fields)
{
    public static HtmlForm? Find(string html, Uri page)
    {
        var form = FormTag().Match(html);
        if (!form.Success)
            return null;
        var attributes = Attributes(form.Value);
        var action = attributes.GetValueOrDefault("action") is { Length: > 0 } a ? new Uri(page, a) : page;
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match input in InputTag().Matches(html, form.Index))
        {
            var attrs = Attributes(input.Value);
            if (attrs.TryGetValue("name", out var name))
                fields.Add(new(name, attrs.GetValueOrDefault("value") ?? ""));
        }
        return new HtmlForm(action, fields);
    }

    public HtmlForm With(string name, string value)
    {
        var fields = Fields.Where(f => f.Key != name).ToList();
        fields.Add(new(name, value));
        return this with { Fields = fields };
    }

    private static Dictionary<string, string> Attributes(string tag) =>
        Attribute().Matches(tag).GroupBy(m => m.Groups[1].Value.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.First().Groups[2].Value));

    [GeneratedRegex("<form\\b[^>]*method=\"post\"[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex FormTag();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("([A-Za-z_:-]+)=\"([^\"]*)\"")]
    private static partial Regex Attribute();
}
