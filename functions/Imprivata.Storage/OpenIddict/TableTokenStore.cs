using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Imprivata.Storage.Caching;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// OpenIddict token entries on Azure Tables. Hot paths (by id, by reference id) are point reads; UpdateAsync is
/// conditional on the ETag read, so of two concurrent redemptions of one code exactly one succeeds.
/// </summary>
public sealed class TableTokenStore : IOpenIddictTokenStore<TableToken>
{
    /// <summary>The most tokens one purge deletes, so a timer run stays bounded.</summary>
    public const int MaxPrunedPerCall = 100_000;

    /// <summary>How long this instance remembers which token row a reference id names (codes live 60 s).</summary>
    internal static readonly TimeSpan ReferenceMemoLifetime = TimeSpan.FromMinutes(5);
    internal const int ReferenceMemoCapacity = 20_000;

    private readonly EntityTable<TableToken> _tokens;
    private readonly EntityTable<TableAuthorization> _authorizations;
    private readonly TimeProvider _time;
    // Reference id -> token id, for tokens this instance wrote or found. Only the pointer is remembered, never the token:
    // the row is always read fresh (status and ETag decide redemption), and a pointer that no longer matches falls back
    // to the index. This makes a code's lookups (OpenIddict's, then its manager's uniqueness check before the update)
    // one point read each instead of two.
    private readonly ShortLivedCache<string, string> _referenceMemo;

    private readonly IssuedCodes _issued;

    public TableTokenStore(TableSet tables, TimeProvider time, ILogger<TableTokenStore> logger)
        : this(tables, time, logger, new IssuedCodes(time))
    {
    }

    public TableTokenStore(TableSet tables, TimeProvider time, ILogger<TableTokenStore> logger, IssuedCodes issued)
    {
        _tokens = new(tables, TokenMap.Instance, logger);
        _authorizations = new(tables, AuthorizationMap.Instance, logger);
        _time = time;
        _referenceMemo = new(time, ReferenceMemoLifetime, ReferenceMemoCapacity);
        _issued = issued;
    }

    // OpenIddict creates a code's entry, generates the code, then updates the entry with the code's hash: the first write is
    // deferred to the update (one round trip fewer per code). Until then the entry exists only in this request; nothing can
    // look it up, because a code is only found by the hash the update adds.
    private const string Unwritten = "unwritten";

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => new(_tokens.CountAsync(cancellationToken));

    public async ValueTask<long> CountAsync<TResult>(Func<IQueryable<TableToken>, IQueryable<TResult>> query, CancellationToken cancellationToken) =>
        query(await _tokens.QueryableAsync(cancellationToken).ConfigureAwait(false)).LongCount();

    public async ValueTask CreateAsync(TableToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token is { Type: TokenTypeIdentifiers.Private.AuthorizationCode, ReferenceId: null or "", Id: null, ConcurrencyToken: null })
        {
            token.Id = _tokens.Map.NewId(token);
            token.ConcurrencyToken = Unwritten;
            return;
        }
        await WriteAsync(token, _tokens.CreateAsync, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(TableToken token, Func<TableToken, CancellationToken, Task> write, CancellationToken ct)
    {
        var generation = _referenceMemo.Generation;
        var issued = _issued.Generation;
        await write(token, ct).ConfigureAwait(false);
        Remember(token, generation);
        _issued.Wrote(token, _tokens.Map.StoredWhenRead(token), issued);
    }

    public ValueTask DeleteAsync(TableToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        _issued.Forget(token);
        return new(_tokens.DeleteAsync(token, cancellationToken));
    }

    private void Remember(TableToken token, long generation)
    {
        if (!string.IsNullOrEmpty(token.ReferenceId) && token.Id is { } id)
            _referenceMemo.Set(token.ReferenceId, id, generation);
    }

    public async IAsyncEnumerable<TableToken> FindAsync(string? subject, string? client, string? status, string? type, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        bool Matches(TableToken token) =>
            (subject is null || token.Subject == subject) && (client is null || token.ApplicationId == client) &&
            (status is null || token.Status == status) && (type is null || token.Type == type);

        // No request path asks this (OpenIddict's server looks tokens up by id, reference id and authorization only):
        // a filtered scan, so that issuing a token does not pay for subject and client index entries.
        var filter = ColumnFilter.Equal((nameof(TableToken.Subject), subject), (nameof(TableToken.ApplicationId), client),
            (nameof(TableToken.Status), status), (nameof(TableToken.Type), type));
        await foreach (var token in Filtered(_tokens.ScanAsync(filter, null, cancellationToken), Matches).ConfigureAwait(false))
            yield return token;
    }

    public IAsyncEnumerable<TableToken> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return FindAsync(null, identifier, null, null, cancellationToken);
    }

    public IAsyncEnumerable<TableToken> FindByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return TokenMap.OfAuthorizationAsync(_tokens, identifier, cancellationToken);
    }

    public ValueTask<TableToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return new(_tokens.FindByIdAsync(identifier, cancellationToken));
    }

    public async ValueTask<TableToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        bool Matches(TableToken t) => string.Equals(t.ReferenceId, identifier, StringComparison.Ordinal);
        if (_referenceMemo.TryGet(identifier, out var id))
        {
            if (_issued.TakeCode(id) is (var issued, var row) && Matches(issued))
            {
                _tokens.Map.RememberIndexed(issued, _tokens.Map.IndexEntries(issued).ToArray());
                _tokens.Map.RememberStored(issued, row);
                return issued;
            }
            if (await _tokens.FindByIdAsync(id, cancellationToken).ConfigureAwait(false) is { } remembered && Matches(remembered))
                return remembered;
        }
        var generation = _referenceMemo.Generation;
        var token = await _tokens.FindUniqueAsync(IndexEntry.Partition(TokenMap.ReferenceKind, identifier), Matches, cancellationToken).ConfigureAwait(false);
        if (token is not null)
            Remember(token, generation);
        return token;
    }

    /// <summary>
    /// The code a located reference names (<see cref="LocatedCodes"/>): as this instance issued it, else its row; only when its
    /// stored reference hash is <paramref name="referenceHash"/>.
    /// </summary>
    internal async Task<TableToken?> FindLocatedCodeAsync(string id, string referenceHash, CancellationToken ct)
    {
        bool Matches(TableToken t) => t.ReferenceId is { } stored &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(referenceHash));
        if (_issued.TakeCode(id) is (var issued, var row) && Matches(issued))
        {
            _tokens.Map.RememberIndexed(issued, _tokens.Map.IndexEntries(issued).ToArray());
            _tokens.Map.RememberStored(issued, row);
            return issued;
        }
        return await _tokens.FindByIdAsync(id, ct).ConfigureAwait(false) is { } token && Matches(token) ? token : null;
    }

    public IAsyncEnumerable<TableToken> FindBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return FindAsync(subject, null, null, null, cancellationToken);
    }

    public async ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<TableToken>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        query(await _tokens.QueryableAsync(cancellationToken).ConfigureAwait(false), state).FirstOrDefault();

    /// <summary>Pages through the whole table: administrative listings only.</summary>
    public async IAsyncEnumerable<TableToken> ListAsync(int? count, int? offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var token in _tokens.ScanAsync(null, null, cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue).ConfigureAwait(false))
            yield return token;
    }

    public async IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<TableToken>, TState, IQueryable<TResult>> query, TState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var result in query(await _tokens.QueryableAsync(cancellationToken).ConfigureAwait(false), state))
            yield return result;
    }

    /// <summary>
    /// Removes tokens created before <paramref name="threshold"/> that can no longer be used: not valid/inactive,
    /// expired, or whose authorization is no longer valid. A timer job: it scans the table with a server-side date
    /// filter and never runs on a request path.
    /// </summary>
    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var authorizationValid = new Dictionary<string, bool>(StringComparer.Ordinal);
        long removed = 0;
        var filter = TableClient.CreateQueryFilter($"CreationDate lt {threshold}");
        await foreach (var token in _tokens.ScanAsync(filter, TokenMap.PruneColumns, cancellationToken).ConfigureAwait(false))
        {
            if (removed >= MaxPrunedPerCall)
                break;
            var unusable = token.Status is not (Statuses.Inactive or Statuses.Valid) || token.ExpirationDate < now ||
                           (token.AuthorizationId is { } id && !await IsAuthorizationValidAsync(id).ConfigureAwait(false));
            if (unusable && await _tokens.DeleteLoadedAsync(token, cancellationToken).ConfigureAwait(false))
                removed++;
        }
        return removed;

        async Task<bool> IsAuthorizationValidAsync(string id)
        {
            if (!authorizationValid.TryGetValue(id, out var valid))
                // A missing authorization does not condemn the token, as in OpenIddict's own stores.
                authorizationValid[id] = valid = await _authorizations.FindByIdAsync(id, cancellationToken).ConfigureAwait(false) is not { } authorization
                                                 || authorization.Status == Statuses.Valid;
            return valid;
        }
    }

    public async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        await RevokeAllAsync(FindAsync(subject, client, status, type, cancellationToken), cancellationToken).ConfigureAwait(false);

    public async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        await RevokeAllAsync(FindByApplicationIdAsync(identifier, cancellationToken), cancellationToken).ConfigureAwait(false);

    public async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        await RevokeAllAsync(FindByAuthorizationIdAsync(identifier, cancellationToken), cancellationToken).ConfigureAwait(false);

    public async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        await RevokeAllAsync(FindBySubjectAsync(subject, cancellationToken), cancellationToken).ConfigureAwait(false);

    private async Task<long> RevokeAllAsync(IAsyncEnumerable<TableToken> tokens, CancellationToken ct)
    {
        long revoked = 0;
        await foreach (var token in tokens.ConfigureAwait(false))
        {
            // Re-read and retry on a lost race: a revocation must win over a concurrent redemption or rotation.
            _issued.Forget(token);
            if (await _tokens.ChangeAsync(token.Id!, Revoke, ct).ConfigureAwait(false))
                revoked++;
        }
        return revoked;

        static bool Revoke(TableToken token)
        {
            if (token.Status == Statuses.Revoked)
                return false;
            token.Status = Statuses.Revoked;
            return true;
        }
    }

    private static async IAsyncEnumerable<TableToken> Filtered(IAsyncEnumerable<TableToken> tokens, Func<TableToken, bool> matches)
    {
        await foreach (var token in tokens.ConfigureAwait(false))
            if (matches(token))
                yield return token;
    }

    public ValueTask<TableToken> InstantiateAsync(CancellationToken cancellationToken) => new(new TableToken());

    public ValueTask<string?> GetApplicationIdAsync(TableToken token, CancellationToken cancellationToken) => new(token.ApplicationId);
    public ValueTask<string?> GetAuthorizationIdAsync(TableToken token, CancellationToken cancellationToken) => new(token.AuthorizationId);
    public ValueTask<DateTimeOffset?> GetCreationDateAsync(TableToken token, CancellationToken cancellationToken) => new(token.CreationDate);
    public ValueTask<DateTimeOffset?> GetExpirationDateAsync(TableToken token, CancellationToken cancellationToken) => new(token.ExpirationDate);
    public ValueTask<string?> GetIdAsync(TableToken token, CancellationToken cancellationToken) => new(token.Id);
    public ValueTask<string?> GetPayloadAsync(TableToken token, CancellationToken cancellationToken) => new(token.Payload);
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(TableToken token, CancellationToken cancellationToken) => new(JsonColumns.ReadProperties(token.Properties));
    public ValueTask<DateTimeOffset?> GetRedemptionDateAsync(TableToken token, CancellationToken cancellationToken) => new(token.RedemptionDate);
    public ValueTask<string?> GetReferenceIdAsync(TableToken token, CancellationToken cancellationToken) => new(token.ReferenceId);
    public ValueTask<string?> GetStatusAsync(TableToken token, CancellationToken cancellationToken) => new(token.Status);
    public ValueTask<string?> GetSubjectAsync(TableToken token, CancellationToken cancellationToken) => new(token.Subject);
    public ValueTask<string?> GetTypeAsync(TableToken token, CancellationToken cancellationToken) => new(token.Type);

    public ValueTask SetApplicationIdAsync(TableToken token, string? identifier, CancellationToken cancellationToken) { token.ApplicationId = identifier; return default; }
    public ValueTask SetAuthorizationIdAsync(TableToken token, string? identifier, CancellationToken cancellationToken) { token.AuthorizationId = identifier; return default; }
    public ValueTask SetCreationDateAsync(TableToken token, DateTimeOffset? date, CancellationToken cancellationToken) { token.CreationDate = date; return default; }
    public ValueTask SetExpirationDateAsync(TableToken token, DateTimeOffset? date, CancellationToken cancellationToken) { token.ExpirationDate = date; return default; }
    public ValueTask SetPayloadAsync(TableToken token, string? payload, CancellationToken cancellationToken) { token.Payload = payload; return default; }
    public ValueTask SetPropertiesAsync(TableToken token, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) { token.Properties = JsonColumns.WriteProperties(properties); return default; }
    public ValueTask SetRedemptionDateAsync(TableToken token, DateTimeOffset? date, CancellationToken cancellationToken) { token.RedemptionDate = date; return default; }
    public ValueTask SetReferenceIdAsync(TableToken token, string? identifier, CancellationToken cancellationToken) { token.ReferenceId = identifier; return default; }
    public ValueTask SetStatusAsync(TableToken token, string? status, CancellationToken cancellationToken) { token.Status = status; return default; }
    public ValueTask SetSubjectAsync(TableToken token, string? subject, CancellationToken cancellationToken) { token.Subject = subject; return default; }
    public ValueTask SetTypeAsync(TableToken token, string? type, CancellationToken cancellationToken) { token.Type = type; return default; }

    public async ValueTask UpdateAsync(TableToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.ConcurrencyToken == Unwritten)
        {
            token.ConcurrencyToken = null;
            await WriteAsync(token, _tokens.CreateAsync, cancellationToken).ConfigureAwait(false);
            return;
        }
        await WriteAsync(token, _tokens.UpdateAsync, cancellationToken).ConfigureAwait(false);
    }
}
