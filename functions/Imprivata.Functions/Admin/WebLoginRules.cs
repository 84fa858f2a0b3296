using System.Text.RegularExpressions;
using Imprivata.Core.Settings;
using Imprivata.Functions.Admin.Images;

namespace Imprivata.Functions.Admin;

/// <summary>The reference product's Web app login configuration limits: #RRGGBB colour, PNG/GIF/JPG logo of at most
/// 200 x 150 pixels and 250 KB, automatic logout off or between 30 minutes and 4 days.</summary>
public static partial class WebLoginRules
{
    public const int MaxLogoBytes = 250 * 1024;
    public const int MaxLogoWidth = 200;
    public const int MaxLogoHeight = 150;

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex Colour();

    public static string? CheckColour(string? colour) => colour is not null && Colour().IsMatch(colour) ? null : "color_invalid";

    /// <summary>Minutes, or null for "off".</summary>
    public static string? CheckTimeout(int? minutes) =>
        minutes is null || (minutes >= WebLoginSettings.MinimumTimeout.TotalMinutes && minutes <= WebLoginSettings.MaximumTimeout.TotalMinutes)
            ? null
            : "timeout_out_of_range";

    /// <summary>Validates the whole file as a PNG, GIF or JPEG (<see cref="ImageHeader"/>), then its size; the content type comes from the bytes, never the client.</summary>
    public static string? CheckLogo(ReadOnlySpan<byte> logo, out ImageHeader? header)
    {
        header = null;
        if (logo.Length == 0)
            return "logo_empty";
        if (logo.Length > MaxLogoBytes)
            return "logo_too_large";
        header = ImageHeader.Read(logo);
        if (header is null)
            return "logo_type_invalid";
        if (header.Width > MaxLogoWidth || header.Height > MaxLogoHeight)
            return "logo_dimensions_too_large";
        return null;
    }
}
