using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Imprivata.Storage.Caching;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// OpenIddict applications (clients) on Azure Tables. By client_id (every request) is a unique index entry and a
/// point read; by redirect URI and post-logout redirect URI one index entry per URI.
/// Lookups by client id and by id (several per authorize and token request) are served from a short-lived in-process
/// cache, cleared by every write through this store; another instance's write shows here after at most
/// <see cref="CacheLifetime"/> (a rotated secret or a removed redirect URI may keep working that long on this instance).
/// </summary>
public sealed class TableApplicationStore : IOpenIddictApplicationStore<TableApplication>
{
    /// <summary>How stale a cached application may be when another instance changed it.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    internal const int CacheCapacity = 1_000;

    private readonly EntityTable<TableApplication> _applications;
    private readonly EntityTable<TableAuthorization> _authorizations;
    private readonly EntityTable<TableToken> _tokens;
    // Keys "cid:<client id>" and "id:<id>"; values are never handed out, only copies of them.
    private readonly ShortLivedCache<string, TableApplication> _cache;

    public TableApplicationStore(TableSet tables, TimeProvider time, ILogger<TableApplicationStore> logger)
    {
        _applications = new(tables, ApplicationMap.Instance, logger);
        _authorizations = new(tables, AuthorizationMap.Instance, logger);
        _tokens = new(tables, TokenMap.Instance, logger);
        _cache = new(time, CacheLifetime, CacheCapacity);
    }

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => new(_applications.CountAsync(cancellationToken));

    public async ValueTask<long> CountAsync<TResult>(Func<IQueryable<TableApplication>, IQueryable<TResult>> query, CancellationToken cancellationToken) =>
        query(await _applications.QueryableAsync(cancellationToken).ConfigureAwait(false)).LongCount();

    public ValueTask CreateAsync(TableApplication application, CancellationToken cancellationToken) =>
        new(WriteAsync(() => _applications.CreateAsync(application, cancellationToken)));

    /// <summary>Every write clears the cache once it is done (also when it failed: a lost race means the cached copy is stale).</summary>
    private async Task WriteAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        finally
        {
            _cache.Clear();
        }
    }

    private async Task<TableApplication?> CachedAsync(string key, Func<Task<TableApplication?>> read)
    {
        if (!_cache.TryGet(key, out var cached))
        {
            var generation = _cache.Generation;
            if (await read().ConfigureAwait(false) is not { } loaded)
                return null;
            _cache.Set(key, cached = loaded.Copy(), generation);
        }
        var copy = cached.Copy();
        ApplicationMap.Instance.RememberIndexed(copy, ApplicationMap.Instance.IndexEntries(copy).ToArray());
        return copy;
    }

    /// <summary>Deletes the application with its tokens and authorizations, as OpenIddict's own stores do.</summary>
    public async ValueTask DeleteAsync(TableApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        var id = application.Id!;
        // Tokens and authorizations keep no index by client: deleting an application (administrative, rare) scans for them.
        var tokens = await _tokens.ScanAsync(ColumnFilter.Equal((nameof(TableToken.ApplicationId), id)), null, cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var token in tokens)
            await _tokens.DeleteLoadedAsync(token, cancellationToken).ConfigureAwait(false);
        var authorizations = await _authorizations.ScanAsync(ColumnFilter.Equal((nameof(TableAuthorization.ApplicationId), id)), null, cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var authorization in authorizations)
            await _authorizations.DeleteLoadedAsync(authorization, cancellationToken).ConfigureAwait(false);
        await WriteAsync(() => _applications.DeleteAsync(application, cancellationToken)).ConfigureAwait(false);
    }

    public ValueTask<TableApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return new(CachedAsync("id:" + identifier, () => _applications.FindByIdAsync(identifier, cancellationToken)));
    }

    public ValueTask<TableApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return new(CachedAsync("cid:" + identifier, () => _applications.FindUniqueAsync(IndexEntry.Partition(ApplicationMap.ClientIdKind, identifier),
            a => string.Equals(a.ClientId, identifier, StringComparison.Ordinal), cancellationToken)));
    }

    public IAsyncEnumerable<TableApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return _applications.FindManyAsync([IndexEntry.Partition(ApplicationMap.PostLogoutRedirectUriKind, uri)], null,
            a => JsonColumns.ReadArray(a.PostLogoutRedirectUris).Contains(uri, StringComparer.Ordinal), cancellationToken);
    }

    public IAsyncEnumerable<TableApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return _applications.FindManyAsync([IndexEntry.Partition(ApplicationMap.RedirectUriKind, uri)], null,
            a => JsonColumns.ReadArray(a.RedirectUris).Contains(uri, StringComparer.Ordinal), cancellationToken);
    }

    public async ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<TableApplication>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        query(await _applications.QueryableAsync(cancellationToken).ConfigureAwait(false), state).FirstOrDefault();

    public async IAsyncEnumerable<TableApplication> ListAsync(int? count, int? offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var application in _applications.ScanAsync(null, null, cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue).ConfigureAwait(false))
            yield return application;
    }

    public async IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<TableApplication>, TState, IQueryable<TResult>> query, TState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var result in query(await _applications.QueryableAsync(cancellationToken).ConfigureAwait(false), state))
            yield return result;
    }

    public ValueTask<TableApplication> InstantiateAsync(CancellationToken cancellationToken) => new(new TableApplication());

    public ValueTask<string?> GetApplicationTypeAsync(TableApplication application, CancellationToken cancellationToken) => new(application.ApplicationType);
    public ValueTask<string?> GetClientIdAsync(TableApplication application, CancellationToken cancellationToken) => new(application.ClientId);
    public ValueTask<string?> GetClientSecretAsync(TableApplication application, CancellationToken cancellationToken) => new(application.ClientSecret);
    public ValueTask<string?> GetClientTypeAsync(TableApplication application, CancellationToken cancellationToken) => new(application.ClientType);
    public ValueTask<string?> GetConsentTypeAsync(TableApplication application, CancellationToken cancellationToken) => new(application.ConsentType);
    public ValueTask<string?> GetDisplayNameAsync(TableApplication application, CancellationToken cancellationToken) => new(application.DisplayName);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(TableApplication application, CancellationToken cancellationToken) => new(JsonColumns.ReadCultures(application.DisplayNames));
    public ValueTask<string?> GetIdAsync(TableApplication application, CancellationToken cancellationToken) => new(application.Id);
    public ValueTask<JsonWebKeySet?> GetJsonWebKeySetAsync(TableApplication application, CancellationToken cancellationToken) =>
        new(string.IsNullOrEmpty(application.JsonWebKeySet) ? null : JsonWebKeySet.Create(application.JsonWebKeySet));
    public ValueTask<ImmutableArray<string>> GetPermissionsAsync(TableApplication application, CancellationToken cancellationToken) => new(JsonColumns.ReadArray(application.Permissions));
    public ValueTask<ImmutableArray<string>> GetPostLogoutRedirectUrisAsync(TableApplication application, CancellationToken cancellationToken) => new(JsonColumns.ReadArray(application.PostLogoutRedirectUris));
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(TableApplication application, CancellationToken cancellationToken) => new(JsonColumns.ReadProperties(application.Properties));
    public ValueTask<ImmutableArray<string>> GetRedirectUrisAsync(TableApplication application, CancellationToken cancellationToken) => new(JsonColumns.ReadArray(application.RedirectUris));
    public ValueTask<ImmutableArray<string>> GetRequirementsAsync(TableApplication application, CancellationToken cancellationToken) => new(JsonColumns.ReadArray(application.Requirements));
    public ValueTask<ImmutableDictionary<string, string>> GetSettingsAsync(TableApplication application, CancellationToken cancellationToken) => new(JsonColumns.ReadStrings(application.Settings));

    public ValueTask SetApplicationTypeAsync(TableApplication application, string? type, CancellationToken cancellationToken) { application.ApplicationType = type; return default; }
    public ValueTask SetClientIdAsync(TableApplication application, string? identifier, CancellationToken cancellationToken) { application.ClientId = identifier; return default; }
    public ValueTask SetClientSecretAsync(TableApplication application, string? secret, CancellationToken cancellationToken) { application.ClientSecret = secret; return default; }
    public ValueTask SetClientTypeAsync(TableApplication application, string? type, CancellationToken cancellationToken) { application.ClientType = type; return default; }
    public ValueTask SetConsentTypeAsync(TableApplication application, string? type, CancellationToken cancellationToken) { application.ConsentType = type; return default; }
    public ValueTask SetDisplayNameAsync(TableApplication application, string? name, CancellationToken cancellationToken) { application.DisplayName = name; return default; }
    public ValueTask SetDisplayNamesAsync(TableApplication application, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken) { application.DisplayNames = JsonColumns.WriteCultures(names); return default; }
    public ValueTask SetJsonWebKeySetAsync(TableApplication application, JsonWebKeySet? set, CancellationToken cancellationToken) { application.JsonWebKeySet = set is null ? null : JsonSerializer.Serialize(set); return default; }
    public ValueTask SetPermissionsAsync(TableApplication application, ImmutableArray<string> permissions, CancellationToken cancellationToken) { application.Permissions = JsonColumns.WriteArray(permissions); return default; }
    public ValueTask SetPostLogoutRedirectUrisAsync(TableApplication application, ImmutableArray<string> uris, CancellationToken cancellationToken) { application.PostLogoutRedirectUris = JsonColumns.WriteArray(uris); return default; }
    public ValueTask SetPropertiesAsync(TableApplication application, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) { application.Properties = JsonColumns.WriteProperties(properties); return default; }
    public ValueTask SetRedirectUrisAsync(TableApplication application, ImmutableArray<string> uris, CancellationToken cancellationToken) { application.RedirectUris = JsonColumns.WriteArray(uris); return default; }
    public ValueTask SetRequirementsAsync(TableApplication application, ImmutableArray<string> requirements, CancellationToken cancellationToken) { application.Requirements = JsonColumns.WriteArray(requirements); return default; }
    public ValueTask SetSettingsAsync(TableApplication application, ImmutableDictionary<string, string> settings, CancellationToken cancellationToken) { application.Settings = JsonColumns.WriteStrings(settings); return default; }

    public ValueTask UpdateAsync(TableApplication application, CancellationToken cancellationToken) =>
        new(WriteAsync(() => _applications.UpdateAsync(application, cancellationToken)));
}
