using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;

namespace Imprivata.Storage.OpenIddict;

/// <summary>OpenIddict scopes on Azure Tables: by name a unique index entry (point read), by resource one entry per resource.</summary>
public sealed class TableScopeStore : IOpenIddictScopeStore<TableScope>
{
    private readonly EntityTable<TableScope> _scopes;

    public TableScopeStore(TableSet tables, ILogger<TableScopeStore> logger) => _scopes = new(tables, ScopeMap.Instance, logger);

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => new(_scopes.CountAsync(cancellationToken));

    public async ValueTask<long> CountAsync<TResult>(Func<IQueryable<TableScope>, IQueryable<TResult>> query, CancellationToken cancellationToken) =>
        query(await _scopes.QueryableAsync(cancellationToken).ConfigureAwait(false)).LongCount();

    public ValueTask CreateAsync(TableScope scope, CancellationToken cancellationToken) => new(_scopes.CreateAsync(scope, cancellationToken));

    public ValueTask DeleteAsync(TableScope scope, CancellationToken cancellationToken) => new(_scopes.DeleteAsync(scope, cancellationToken));

    public ValueTask<TableScope?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return new(_scopes.FindByIdAsync(identifier, cancellationToken));
    }

    public ValueTask<TableScope?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(_scopes.FindUniqueAsync(IndexEntry.Partition(ScopeMap.NameKind, name), s => string.Equals(s.Name, name, StringComparison.Ordinal), cancellationToken));
    }

    public async IAsyncEnumerable<TableScope> FindByNamesAsync(ImmutableArray<string> names, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var name in names.Distinct(StringComparer.Ordinal))
            if (await FindByNameAsync(name, cancellationToken).ConfigureAwait(false) is { } scope)
                yield return scope;
    }

    public IAsyncEnumerable<TableScope> FindByResourceAsync(string resource, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        return _scopes.FindManyAsync([IndexEntry.Partition(ScopeMap.ResourceKind, resource)], null,
            s => JsonColumns.ReadArray(s.Resources).Contains(resource, StringComparer.Ordinal), cancellationToken);
    }

    public async ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<TableScope>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        query(await _scopes.QueryableAsync(cancellationToken).ConfigureAwait(false), state).FirstOrDefault();

    public async IAsyncEnumerable<TableScope> ListAsync(int? count, int? offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var scope in _scopes.ScanAsync(null, null, cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue).ConfigureAwait(false))
            yield return scope;
    }

    public async IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<TableScope>, TState, IQueryable<TResult>> query, TState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var result in query(await _scopes.QueryableAsync(cancellationToken).ConfigureAwait(false), state))
            yield return result;
    }

    public ValueTask<TableScope> InstantiateAsync(CancellationToken cancellationToken) => new(new TableScope());

    public ValueTask<string?> GetDescriptionAsync(TableScope scope, CancellationToken cancellationToken) => new(scope.Description);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDescriptionsAsync(TableScope scope, CancellationToken cancellationToken) => new(JsonColumns.ReadCultures(scope.Descriptions));
    public ValueTask<string?> GetDisplayNameAsync(TableScope scope, CancellationToken cancellationToken) => new(scope.DisplayName);
    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(TableScope scope, CancellationToken cancellationToken) => new(JsonColumns.ReadCultures(scope.DisplayNames));
    public ValueTask<string?> GetIdAsync(TableScope scope, CancellationToken cancellationToken) => new(scope.Id);
    public ValueTask<string?> GetNameAsync(TableScope scope, CancellationToken cancellationToken) => new(scope.Name);
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(TableScope scope, CancellationToken cancellationToken) => new(JsonColumns.ReadProperties(scope.Properties));
    public ValueTask<ImmutableArray<string>> GetResourcesAsync(TableScope scope, CancellationToken cancellationToken) => new(JsonColumns.ReadArray(scope.Resources));

    public ValueTask SetDescriptionAsync(TableScope scope, string? description, CancellationToken cancellationToken) { scope.Description = description; return default; }
    public ValueTask SetDescriptionsAsync(TableScope scope, ImmutableDictionary<CultureInfo, string> descriptions, CancellationToken cancellationToken) { scope.Descriptions = JsonColumns.WriteCultures(descriptions); return default; }
    public ValueTask SetDisplayNameAsync(TableScope scope, string? name, CancellationToken cancellationToken) { scope.DisplayName = name; return default; }
    public ValueTask SetDisplayNamesAsync(TableScope scope, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken) { scope.DisplayNames = JsonColumns.WriteCultures(names); return default; }
    public ValueTask SetNameAsync(TableScope scope, string? name, CancellationToken cancellationToken) { scope.Name = name; return default; }
    public ValueTask SetPropertiesAsync(TableScope scope, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) { scope.Properties = JsonColumns.WriteProperties(properties); return default; }
    public ValueTask SetResourcesAsync(TableScope scope, ImmutableArray<string> resources, CancellationToken cancellationToken) { scope.Resources = JsonColumns.WriteArray(resources); return default; }

    public ValueTask UpdateAsync(TableScope scope, CancellationToken cancellationToken) => new(_scopes.UpdateAsync(scope, cancellationToken));
}
