namespace Imprivata.Core.Settings;

/// <summary>Gear menu > Web app login configuration.</summary>
public sealed record WebLoginSettings
{
    /// <summary>Hexadecimal colour, "#RRGGBB".</summary>
    public string BackgroundColor { get; init; } = "#0b3d5c";
    public byte[]? Logo { get; init; }
    public string? LogoContentType { get; init; }
    /// <summary>Automatic logout after this long; null = off. Allowed: 30 minutes to 4 days.</summary>
    public TimeSpan? SessionTimeout { get; init; } = TimeSpan.FromHours(2);

    public static readonly TimeSpan MinimumTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaximumTimeout = TimeSpan.FromDays(4);
}

public interface ISettingsStore
{
    Task<WebLoginSettings> GetWebLoginAsync(CancellationToken ct);
    Task SaveWebLoginAsync(WebLoginSettings settings, CancellationToken ct);
}
