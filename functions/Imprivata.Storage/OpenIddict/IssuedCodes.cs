using Azure.Data.Tables;
using Imprivata.Storage.Caching;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// Authorization codes and their ad-hoc authorizations exactly as this instance wrote them (row and ETag), so that a code
/// redeemed on the instance that issued it (the usual case: the relying party calls back within a second) costs one storage
/// round trip, the conditional write that redeems it, instead of four.
/// <list type="bullet">
/// <item>A code is handed out once: the next look-up of its reference id reads storage, so a replay meets the stored
/// "redeemed" status and OpenIddict's reuse detection as before.</item>
/// <item>The redeeming write is conditional on the ETag of the snapshot: if anything changed the row since (redeemed on
/// another instance, revoked with its family), the write fails; <see cref="TableTokenManager"/> then re-reads the row and
/// treats "redeemed" as a replay.</item>
/// <item>The authorization snapshot is only handed out right after its code was (armed by <see cref="TakeCode"/>): an ad-hoc
/// authorization is revoked only together with its token family (<see cref="TableTokenManager"/>,
/// <see cref="TableAuthorizationStore"/>), which changes the code row and so fails the redeeming write.</item>
/// </list>
/// Entries live two minutes (codes live 60 s) and are copies: OpenIddict mutates the entities it is given.
/// </summary>
public sealed class IssuedCodes(TimeProvider time)
{
    internal static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    internal const int Capacity = 20_000;

    // Each code with its row as written, so its redemption can send only what changes (EntityMap.ChangesOf).
    private readonly ShortLivedCache<string, (TableToken Code, TableEntity Row)> _codes = new(time, Lifetime, Capacity);
    private readonly ShortLivedCache<string, TableAuthorization> _authorizations = new(time, Lifetime, Capacity);
    private readonly ShortLivedCache<string, TableAuthorization> _armed = new(time, TimeSpan.FromSeconds(30), Capacity);

    internal long Generation => _codes.Generation;

    /// <summary>After a write of <paramref name="token"/>: remembered when it is a redeemable code, forgotten otherwise.</summary>
    internal void Wrote(TableToken token, TableEntity? row, long generation)
    {
        if (token.Id is not { } id)
            return;
        if (row is not null &&
            token is { Type: TokenTypeIdentifiers.Private.AuthorizationCode, Status: Statuses.Valid, ReferenceId.Length: > 0, ConcurrencyToken.Length: > 0 })
            _codes.Set(id, (Copy(token), row), generation);
        else
            _codes.Remove(id);
    }

    internal void Forget(TableToken token)
    {
        if (token.Id is { } id)
            _codes.Remove(id);
    }

    /// <summary>The code and its row as written, once; arms its authorization's snapshot for the same redemption.</summary>
    internal (TableToken Code, TableEntity Row)? TakeCode(string id)
    {
        if (!_codes.TryTake(id, out var taken))
            return null;
        if (taken.Code.AuthorizationId is { } authorizationId && _authorizations.TryTake(authorizationId, out var authorization))
            _armed.Set(authorizationId, authorization, _armed.Generation);
        var copy = Copy(taken.Code);
        copy.FromSnapshot = true;
        return (copy, taken.Row);
    }

    internal long AuthorizationGeneration => _authorizations.Generation;

    /// <summary>After this instance created an authorization: remembered when it is a valid ad-hoc one.</summary>
    internal void Created(TableAuthorization authorization, long generation)
    {
        if (authorization is { Id: { } id, Type: AuthorizationTypes.AdHoc, Status: Statuses.Valid, ConcurrencyToken.Length: > 0 })
            _authorizations.Set(id, Copy(authorization), generation);
    }

    internal void Forget(TableAuthorization authorization)
    {
        if (authorization.Id is not { } id)
            return;
        _authorizations.Remove(id);
        _armed.Remove(id);
    }

    /// <summary>The authorization of a code just handed out by <see cref="TakeCode"/>, once.</summary>
    internal TableAuthorization? TakeArmedAuthorization(string id) =>
        _armed.TryTake(id, out var authorization) ? Copy(authorization) : null;

    private static TableToken Copy(TableToken t) => new()
    {
        Id = t.Id, ConcurrencyToken = t.ConcurrencyToken, ApplicationId = t.ApplicationId, AuthorizationId = t.AuthorizationId,
        CreationDate = t.CreationDate, ExpirationDate = t.ExpirationDate, Payload = t.Payload, Properties = t.Properties,
        RedemptionDate = t.RedemptionDate, ReferenceId = t.ReferenceId, Status = t.Status, Subject = t.Subject, Type = t.Type,
    };

    private static TableAuthorization Copy(TableAuthorization a) => new()
    {
        Id = a.Id, ConcurrencyToken = a.ConcurrencyToken, ApplicationId = a.ApplicationId, CreationDate = a.CreationDate,
        Properties = a.Properties, Scopes = a.Scopes, Status = a.Status, Subject = a.Subject, Type = a.Type,
    };
}
