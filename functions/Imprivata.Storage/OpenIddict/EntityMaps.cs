namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// Applications are read on every request by client_id: a unique index entry makes that two point reads.
/// Redirect URIs (authorize) and post-logout redirect URIs (end session) have one entry per URI.
/// </summary>
internal sealed class ApplicationMap : EntityMap<TableApplication>
{
    public static readonly ApplicationMap Instance = new();
    public const string ClientIdKind = "cid", RedirectUriKind = "ru", PostLogoutRedirectUriKind = "plru";
    public override string TableName => "OidcApplications";
    public override string IndexTableName => "OidcApplicationIndex";

    public override IEnumerable<IndexEntry> IndexEntries(TableApplication application)
    {
        if (!string.IsNullOrEmpty(application.ClientId))
            yield return IndexEntry.Unique(ClientIdKind, application.ClientId);
        foreach (var uri in JsonColumns.ReadArray(application.RedirectUris).Distinct(StringComparer.Ordinal))
            yield return IndexEntry.Multi(RedirectUriKind, uri, application.Id!);
        foreach (var uri in JsonColumns.ReadArray(application.PostLogoutRedirectUris).Distinct(StringComparer.Ordinal))
            yield return IndexEntry.Multi(PostLogoutRedirectUriKind, uri, application.Id!);
    }
}

/// <summary>
/// Authorizations are read by id only on request paths (OpenIddict creates one per code and checks it on every use of its
/// tokens): no index entries, so creating one is a single write. By subject or client is a filtered scan (administrative).
/// </summary>
internal sealed class AuthorizationMap : EntityMap<TableAuthorization>
{
    public static readonly AuthorizationMap Instance = new();
    public override string TableName => "OidcAuthorizations";
    public override string IndexTableName => "OidcAuthorizationIndex";

    public override IEnumerable<IndexEntry> IndexEntries(TableAuthorization authorization) => [];
}

/// <summary>
/// Tokens live in the partition of their authorization (id = authorization id + "." + own id), so a token family (what a
/// replayed code or refresh token revokes) is one partition query and creating a token writes one row. Codes are found
/// by reference id (the hash of the code): a unique index entry, a point read. By subject or client is a filtered scan.
/// </summary>
internal sealed class TokenMap : EntityMap<TableToken>
{
    public static readonly TokenMap Instance = new();
    public const string ReferenceKind = "ref";
    /// <summary>Tokens written before they moved into their authorization's partition were indexed here (read, never written).</summary>
    public const string LegacyAuthorizationKind = "auth";
    private const char Separator = '.';
    // Room for the separator and our own 32-character id within TableKeys.IsValidId's 256.
    private const int MaxAuthorizationIdLength = 200;
    public override string TableName => "OidcTokens";
    public override string IndexTableName => "OidcTokenIndex";

    /// <summary>Columns a purge needs (everything but the payload, which may be large).</summary>
    public static readonly string[] PruneColumns =
        ["PartitionKey", "RowKey", nameof(TableToken.ApplicationId), nameof(TableToken.AuthorizationId), nameof(TableToken.CreationDate),
         nameof(TableToken.ExpirationDate), nameof(TableToken.ReferenceId), nameof(TableToken.Status), nameof(TableToken.Subject), nameof(TableToken.Type)];

    public override string NewId(TableToken token) =>
        IsGroupable(token.AuthorizationId) ? token.AuthorizationId + Separator + TableKeys.NewId() : TableKeys.NewId();

    private static bool IsGroupable(string? authorizationId) =>
        authorizationId is { Length: <= MaxAuthorizationIdLength } && TableKeys.IsValidId(authorizationId);

    public override (string PartitionKey, string RowKey) KeysOf(string id)
    {
        var split = id.LastIndexOf(Separator);
        return split > 0 && split < id.Length - 1 ? (id[..split], id[(split + 1)..]) : (id, "");
    }

    // Tokens moved into their authorization's partition through the index (LegacyAuthorizationKind), not by a key change.
    public override (string PartitionKey, string RowKey)? LegacyKeysOf(string id) => null;

    public override string IdOf(Azure.Data.Tables.TableEntity row) =>
        row.RowKey.Length == 0 ? row.PartitionKey : row.PartitionKey + Separator + row.RowKey;

    /// <summary>Reference tokens by reference id; not authorization codes, which name their own row (<see cref="LocatedCodes"/>).</summary>
    public override IEnumerable<IndexEntry> IndexEntries(TableToken token)
    {
        if (!string.IsNullOrEmpty(token.ReferenceId) && !LocatedCodes.IsStored(token.ReferenceId))
            yield return IndexEntry.Unique(ReferenceKind, token.ReferenceId);
    }

    /// <summary>The tokens of one authorization: its partition, plus those indexed before tokens moved there.</summary>
    public static async IAsyncEnumerable<TableToken> OfAuthorizationAsync(EntityTable<TableToken> tokens, string authorizationId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = IsGroupable(authorizationId)
            ? tokens.FindInPartitionAsync(authorizationId, ct)
            // Not a key we would have grouped by (not one of our authorization ids): only a scan can answer.
            : tokens.ScanAsync(ColumnFilter.Equal((nameof(TableToken.AuthorizationId), authorizationId)), null, ct);
        await foreach (var token in found.ConfigureAwait(false))
            if (token.AuthorizationId == authorizationId && seen.Add(token.Id!))
                yield return token;
        await foreach (var token in tokens.FindManyAsync([IndexEntry.Partition(LegacyAuthorizationKind, authorizationId)], null,
                           t => t.AuthorizationId == authorizationId, ct).ConfigureAwait(false))
            if (seen.Add(token.Id!))
                yield return token;
    }
}

/// <summary>Scopes by name (unique) and by resource.</summary>
internal sealed class ScopeMap : EntityMap<TableScope>
{
    public static readonly ScopeMap Instance = new();
    public const string NameKind = "name", ResourceKind = "res";
    public override string TableName => "OidcScopes";
    public override string IndexTableName => "OidcScopeIndex";

    public override IEnumerable<IndexEntry> IndexEntries(TableScope scope)
    {
        if (!string.IsNullOrEmpty(scope.Name))
            yield return IndexEntry.Unique(NameKind, scope.Name);
        foreach (var resource in JsonColumns.ReadArray(scope.Resources).Distinct(StringComparer.Ordinal))
            yield return IndexEntry.Multi(ResourceKind, resource, scope.Id!);
    }
}
