using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure.Data.Tables;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// OpenIddict authorizations on Azure Tables: by id a point read (the only request-path look-up); by subject or client a
/// filtered scan (administrative), so that the authorization OpenIddict creates with each code costs a single write.
/// </summary>
public sealed class TableAuthorizationStore : IOpenIddictAuthorizationStore<TableAuthorization>
{
    /// <summary>The most authorizations one purge deletes, so a timer run stays bounded.</summary>
    public const int MaxPrunedPerCall = 100_000;

    private readonly EntityTable<TableAuthorization> _authorizations;
    private readonly EntityTable<TableToken> _tokens;

    private readonly IssuedCodes _issued;

    public TableAuthorizationStore(TableSet tables, ILogger<TableAuthorizationStore> logger)
        : this(tables, logger, new IssuedCodes(TimeProvider.System))
    {
    }

    public TableAuthorizationStore(TableSet tables, ILogger<TableAuthorizationStore> logger, IssuedCodes issued)
    {
        _authorizations = new(tables, AuthorizationMap.Instance, logger);
        _tokens = new(tables, TokenMap.Instance, logger);
        _issued = issued;
    }

    public ValueTask<long> CountAsync(CancellationToken cancellationToken) => new(_authorizations.CountAsync(cancellationToken));

    public async ValueTask<long> CountAsync<TResult>(Func<IQueryable<TableAuthorization>, IQueryable<TResult>> query, CancellationToken cancellationToken) =>
        query(await _authorizations.QueryableAsync(cancellationToken).ConfigureAwait(false)).LongCount();

    public async ValueTask CreateAsync(TableAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var generation = _issued.AuthorizationGeneration;
        await _authorizations.CreateAsync(authorization, cancellationToken).ConfigureAwait(false);
        _issued.Created(authorization, generation);
    }

    /// <summary>Deletes the authorization and its tokens, as OpenIddict's own stores do.</summary>
    public async ValueTask DeleteAsync(TableAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        _issued.Forget(authorization);
        await DeleteTokensAsync(authorization.Id!, cancellationToken).ConfigureAwait(false);
        await _authorizations.DeleteAsync(authorization, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<TableAuthorization> FindAsync(string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        bool Matches(TableAuthorization authorization)
        {
            if ((subject is not null && authorization.Subject != subject) || (client is not null && authorization.ApplicationId != client) ||
                (status is not null && authorization.Status != status) || (type is not null && authorization.Type != type))
                return false;
            if (scopes is not { IsDefaultOrEmpty: false } wanted)
                return true;
            var granted = JsonColumns.ReadArray(authorization.Scopes);
            return wanted.All(scope => granted.Contains(scope, StringComparer.Ordinal));
        }

        var filter = ColumnFilter.Equal((nameof(TableAuthorization.Subject), subject), (nameof(TableAuthorization.ApplicationId), client),
            (nameof(TableAuthorization.Status), status), (nameof(TableAuthorization.Type), type));
        await foreach (var authorization in _authorizations.ScanAsync(filter, null, cancellationToken).ConfigureAwait(false))
            if (Matches(authorization))
                yield return authorization;
    }

    public IAsyncEnumerable<TableAuthorization> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return FindAsync(null, identifier, null, null, null, cancellationToken);
    }

    public ValueTask<TableAuthorization?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        // Right after this instance handed out the authorization's code for redemption: see IssuedCodes.
        if (_issued.TakeArmedAuthorization(identifier) is { } issued)
            return new(issued);
        return new(_authorizations.FindByIdAsync(identifier, cancellationToken));
    }

    public IAsyncEnumerable<TableAuthorization> FindBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return FindAsync(subject, null, null, null, null, cancellationToken);
    }

    public async ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<TableAuthorization>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken) =>
        query(await _authorizations.QueryableAsync(cancellationToken).ConfigureAwait(false), state).FirstOrDefault();

    public async IAsyncEnumerable<TableAuthorization> ListAsync(int? count, int? offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var authorization in _authorizations.ScanAsync(null, null, cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue).ConfigureAwait(false))
            yield return authorization;
    }

    public async IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<TableAuthorization>, TState, IQueryable<TResult>> query, TState state, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var result in query(await _authorizations.QueryableAsync(cancellationToken).ConfigureAwait(false), state))
            yield return result;
    }

    /// <summary>
    /// Removes authorizations created before <paramref name="threshold"/> that are no longer valid, or ad hoc ones
    /// with no token left (with their tokens). A timer job: a scan with a server-side date filter.
    /// </summary>
    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        long removed = 0;
        var filter = TableClient.CreateQueryFilter($"CreationDate lt {threshold}");
        await foreach (var authorization in _authorizations.ScanAsync(filter, null, cancellationToken).ConfigureAwait(false))
        {
            if (removed >= MaxPrunedPerCall)
                break;
            var prunable = authorization.Status != Statuses.Valid ||
                           (authorization.Type == AuthorizationTypes.AdHoc && !await HasTokensAsync(authorization.Id!, cancellationToken).ConfigureAwait(false));
            if (!prunable)
                continue;
            await DeleteTokensAsync(authorization.Id!, cancellationToken).ConfigureAwait(false);
            if (await _authorizations.DeleteLoadedAsync(authorization, cancellationToken).ConfigureAwait(false))
                removed++;
        }
        return removed;
    }

    private async Task<bool> HasTokensAsync(string authorizationId, CancellationToken ct)
    {
        // Index entries may dangle (a token create that failed half-way): confirm each against the token row.
        await foreach (var _ in TokenMap.OfAuthorizationAsync(_tokens, authorizationId, ct).ConfigureAwait(false))
            return true;
        return false;
    }

    private async Task DeleteTokensAsync(string authorizationId, CancellationToken ct)
    {
        var tokens = await TokenMap.OfAuthorizationAsync(_tokens, authorizationId, ct).ToListAsync(ct).ConfigureAwait(false);
        foreach (var token in tokens)
            await _tokens.DeleteLoadedAsync(token, ct).ConfigureAwait(false);
    }

    public async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        await RevokeAllAsync(FindAsync(subject, client, status, type, null, cancellationToken), cancellationToken).ConfigureAwait(false);

    public async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        await RevokeAllAsync(FindByApplicationIdAsync(identifier, cancellationToken), cancellationToken).ConfigureAwait(false);

    public async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        await RevokeAllAsync(FindBySubjectAsync(subject, cancellationToken), cancellationToken).ConfigureAwait(false);

    private async Task<long> RevokeAllAsync(IAsyncEnumerable<TableAuthorization> authorizations, CancellationToken ct)
    {
        long revoked = 0;
        await foreach (var authorization in authorizations.ConfigureAwait(false))
        {
            _issued.Forget(authorization);
            if (await _authorizations.ChangeAsync(authorization.Id!, Revoke, ct).ConfigureAwait(false))
            {
                revoked++;
                // Revoking an authorization revokes its tokens too: a code this instance issued is then redeemed against
                // a changed row, which is what keeps IssuedCodes' authorization snapshot honest.
                await RevokeTokensAsync(authorization.Id!, ct).ConfigureAwait(false);
            }
        }
        return revoked;

        static bool Revoke(TableAuthorization authorization)
        {
            if (authorization.Status == Statuses.Revoked)
                return false;
            authorization.Status = Statuses.Revoked;
            return true;
        }
    }

    public ValueTask<TableAuthorization> InstantiateAsync(CancellationToken cancellationToken) => new(new TableAuthorization());

    public ValueTask<string?> GetApplicationIdAsync(TableAuthorization authorization, CancellationToken cancellationToken) => new(authorization.ApplicationId);
    public ValueTask<DateTimeOffset?> GetCreationDateAsync(TableAuthorization authorization, CancellationToken cancellationToken) => new(authorization.CreationDate);
    public ValueTask<string?> GetIdAsync(TableAuthorization authorization, CancellationToken cancellationToken) => new(authorization.Id);
    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(TableAuthorization authorization, CancellationToken cancellationToken) => new(JsonColumns.ReadProperties(authorization.Properties));
    public ValueTask<ImmutableArray<string>> GetScopesAsync(TableAuthorization authorization, CancellationToken cancellationToken) => new(JsonColumns.ReadArray(authorization.Scopes));
    public ValueTask<string?> GetStatusAsync(TableAuthorization authorization, CancellationToken cancellationToken) => new(authorization.Status);
    public ValueTask<string?> GetSubjectAsync(TableAuthorization authorization, CancellationToken cancellationToken) => new(authorization.Subject);
    public ValueTask<string?> GetTypeAsync(TableAuthorization authorization, CancellationToken cancellationToken) => new(authorization.Type);

    public ValueTask SetApplicationIdAsync(TableAuthorization authorization, string? identifier, CancellationToken cancellationToken) { authorization.ApplicationId = identifier; return default; }
    public ValueTask SetCreationDateAsync(TableAuthorization authorization, DateTimeOffset? date, CancellationToken cancellationToken) { authorization.CreationDate = date; return default; }
    public ValueTask SetPropertiesAsync(TableAuthorization authorization, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) { authorization.Properties = JsonColumns.WriteProperties(properties); return default; }
    public ValueTask SetScopesAsync(TableAuthorization authorization, ImmutableArray<string> scopes, CancellationToken cancellationToken) { authorization.Scopes = JsonColumns.WriteArray(scopes); return default; }
    public ValueTask SetStatusAsync(TableAuthorization authorization, string? status, CancellationToken cancellationToken) { authorization.Status = status; return default; }
    public ValueTask SetSubjectAsync(TableAuthorization authorization, string? subject, CancellationToken cancellationToken) { authorization.Subject = subject; return default; }
    public ValueTask SetTypeAsync(TableAuthorization authorization, string? type, CancellationToken cancellationToken) { authorization.Type = type; return default; }

    public async ValueTask UpdateAsync(TableAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        _issued.Forget(authorization);
        await _authorizations.UpdateAsync(authorization, cancellationToken).ConfigureAwait(false);
        if (authorization.Status != Statuses.Valid)
            await RevokeTokensAsync(authorization.Id!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the tokens of a no longer valid authorization revoked (re-reading on a lost race, like the token store).</summary>
    private async Task RevokeTokensAsync(string authorizationId, CancellationToken ct)
    {
        await foreach (var token in TokenMap.OfAuthorizationAsync(_tokens, authorizationId, ct).ConfigureAwait(false))
        {
            if (token.Status is Statuses.Revoked or Statuses.Redeemed)
                continue;
            await _tokens.ChangeAsync(token.Id!, t =>
            {
                if (t.Status is Statuses.Revoked or Statuses.Redeemed)
                    return false;
                t.Status = Statuses.Revoked;
                return true;
            }, ct).ConfigureAwait(false);
        }
    }
}
