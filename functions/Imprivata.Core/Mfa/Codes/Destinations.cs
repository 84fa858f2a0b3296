using System.Net.Mail;
using System.Text;

namespace Imprivata.Core.Mfa.Codes;

/// <summary>Validation, normalization and masking of phone numbers and e-mail addresses that codes are sent to.</summary>
public static class Destinations
{
    /// <summary>
    /// Phone numbers must be E.164 (ITU-T E.164 §6: "+", country code not starting with 0, at most 15 digits); common
    /// separators (spaces, dashes, dots, parentheses) typed by people are removed first. E-mail: one plain address.
    /// </summary>
    public static bool TryNormalize(CodeChannel channel, string? input, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 254)
            return false;
        return channel == CodeChannel.Sms ? TryPhone(input, out normalized) : TryEmail(input.Trim(), out normalized);
    }

    private static bool TryPhone(string input, out string normalized)
    {
        var builder = new StringBuilder(16);
        foreach (var c in input.Trim())
        {
            if (c is ' ' or '-' or '.' or '(' or ')')
                continue;
            builder.Append(c);
        }
        normalized = builder.ToString();
        var digits = normalized.AsSpan(1);
        var ok = normalized.Length > 1 && normalized[0] == '+' && digits.Length is >= 7 and <= 15 && digits[0] != '0'
            && !digits.ContainsAnyExcept("0123456789");
        if (!ok)
            normalized = "";
        return ok;
    }

    private static bool TryEmail(string input, out string normalized)
    {
        normalized = "";
        // A display name ("Ann <a@b>") or several addresses would let the typed text differ from where mail goes.
        if (!MailAddress.TryCreate(input, out var address) || !string.Equals(address.Address, input, StringComparison.Ordinal)
            || !address.Host.Contains('.') || input.Any(char.IsControl))
            return false;
        normalized = address.User + "@" + address.Host.ToLowerInvariant();
        return true;
    }

    /// <summary>A stable identity for rate limits: case-insensitive for e-mail (most providers ignore local-part case).</summary>
    public static string LimitKey(CodeChannel channel, string normalized) =>
        channel.Name() + ":" + (channel == CodeChannel.Email ? normalized.ToLowerInvariant() : normalized);

    /// <summary>What pages show: "+*********34", "a***@example.org".</summary>
    public static string Mask(CodeChannel channel, string normalized)
    {
        if (channel == CodeChannel.Sms)
            return normalized.Length <= 3 ? normalized : "+" + new string('*', normalized.Length - 3) + normalized[^2..];
        var at = normalized.IndexOf('@');
        return at <= 0 ? "***" : normalized[0] + "***" + normalized[at..];
    }
}
