using Azure.Data.Tables;
using Imprivata.Core.Settings;
using Imprivata.Storage.Caching;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Settings;

/// <summary>
/// Settings in table "Settings", one entity per settings page. The logo (up to 250 KB) exceeds the 64 KiB limit of one
/// binary property, so it is split into LogoPart0..N chunks of one entity (an entity may hold 1 MiB), written atomically.
/// The web-login settings (read by every login page and sign-in) are cached in process and cleared by every save through
/// this store; a save on another instance shows here after at most <see cref="CacheLifetime"/>.
/// </summary>
public sealed class TableSettingsStore(TableSet tables, TimeProvider time) : ISettingsStore
{
    /// <summary>How stale cached settings may be when another instance saved new ones.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private readonly ShortLivedCache<string, WebLoginSettings> _cache = new(time, CacheLifetime, capacity: 4);

    internal const int ChunkBytes = 64 * 1024;
    /// <summary>Room for the 250 KB logo plus headroom, well inside the 1 MiB entity limit.</summary>
    internal const int MaxLogoBytes = 12 * ChunkBytes;
    private const string WebLoginKey = "weblogin";

    public async Task<WebLoginSettings> GetWebLoginAsync(CancellationToken ct)
    {
        if (_cache.TryGet(WebLoginKey, out var cached))
            return cached;
        var generation = _cache.Generation;
        var settings = await ReadWebLoginAsync(ct).ConfigureAwait(false);
        _cache.Set(WebLoginKey, settings, generation);
        return settings;
    }

    private async Task<WebLoginSettings> ReadWebLoginAsync(CancellationToken ct)
    {
        var table = await tables.GetAsync("Settings", ct).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(WebLoginKey, "", cancellationToken: ct).ConfigureAwait(false);
        if (!found.HasValue)
            return new WebLoginSettings();
        var e = found.Value!;
        var defaults = new WebLoginSettings();
        var timeoutOff = e.GetBoolean("SessionTimeoutOff") ?? false;
        var timeoutMinutes = e.GetInt32("SessionTimeoutMinutes");
        return new WebLoginSettings
        {
            BackgroundColor = e.GetString("BackgroundColor") ?? defaults.BackgroundColor,
            Logo = ReadLogo(e),
            LogoContentType = e.GetString("LogoContentType"),
            SessionTimeout = timeoutOff ? null : timeoutMinutes is { } m ? TimeSpan.FromMinutes(m) : defaults.SessionTimeout,
        };
    }

    public async Task SaveWebLoginAsync(WebLoginSettings settings, CancellationToken ct)
    {
        if (settings.Logo is { Length: > MaxLogoBytes })
            throw new ArgumentException($"The logo exceeds {MaxLogoBytes} bytes.", nameof(settings));
        var entity = new TableEntity(WebLoginKey, "")
        {
            ["BackgroundColor"] = settings.BackgroundColor,
            ["SessionTimeoutOff"] = settings.SessionTimeout is null,
            ["SessionTimeoutMinutes"] = settings.SessionTimeout is { } t ? (int)t.TotalMinutes : null,
            ["LogoContentType"] = settings.Logo is null ? null : settings.LogoContentType,
            ["LogoLength"] = settings.Logo?.Length,
        };
        if (settings.Logo is { } logo)
        {
            for (int offset = 0, part = 0; offset < logo.Length; offset += ChunkBytes, part++)
                entity["LogoPart" + part] = logo.AsSpan(offset, Math.Min(ChunkBytes, logo.Length - offset)).ToArray();
        }
        try
        {
            var table = await tables.GetAsync("Settings", ct).ConfigureAwait(false);
            // Replace (not merge) so chunks of a larger previous logo disappear with it.
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }
        finally
        {
            _cache.Clear();
        }
    }

    private static byte[]? ReadLogo(TableEntity e)
    {
        if (e.GetInt32("LogoLength") is not { } length || length <= 0 || length > MaxLogoBytes)
            return null;
        var logo = new byte[length];
        var offset = 0;
        for (var part = 0; offset < length; part++)
        {
            var chunk = e.GetBinary("LogoPart" + part);
            if (chunk is null || chunk.Length == 0 || offset + chunk.Length > length)
                return null;
            chunk.CopyTo(logo, offset);
            offset += chunk.Length;
        }
        return logo;
    }
}
