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
/// Authorizations by subject (grouped by client in the RowKey, so subject+client is a range query in one small
/// partition) and by client (sharded: a popular client's partition would otherwise take every consent).
/// </summary>
internal sealed class AuthorizationMap : EntityMap<TableAuthorization>
{
    public static readonly AuthorizationMap Instance = new();
    public const string SubjectKind = "sub", ApplicationKind = "app";
    public override string TableName => "OidcAuthorizations";
    public override string IndexTableName => "OidcAuthorizationIndex";

    public override IEnumerable<IndexEntry> IndexEntries(TableAuthorization authorization)
    {
        if (!string.IsNullOrEmpty(authorization.Subject))
            yield return IndexEntry.Grouped(SubjectKind, authorization.Subject, authorization.ApplicationId, authorization.Id!);
        if (!string.IsNullOrEmpty(authorization.ApplicationId))
            yield return IndexEntry.Sharded(ApplicationKind, authorization.ApplicationId, authorization.Id!);
    }
}

/// <summary>
/// Tokens are read by id and by reference id (the hash of a code or refresh token) on every redemption: the
/// reference id is a unique entry (point read). Tokens by authorization (revocation of a code's family), by subject
/// (grouped by client) and by client (sharded) are multi-valued entries.
/// </summary>
internal sealed class TokenMap : EntityMap<TableToken>
{
    public static readonly TokenMap Instance = new();
    public const string ReferenceKind = "ref", AuthorizationKind = "auth", SubjectKind = "sub", ApplicationKind = "app";
    public override string TableName => "OidcTokens";
    public override string IndexTableName => "OidcTokenIndex";

    /// <summary>Columns a purge needs (everything but the payload, which may be large).</summary>
    public static readonly string[] PruneColumns =
        ["PartitionKey", "RowKey", nameof(TableToken.ApplicationId), nameof(TableToken.AuthorizationId), nameof(TableToken.CreationDate),
         nameof(TableToken.ExpirationDate), nameof(TableToken.ReferenceId), nameof(TableToken.Status), nameof(TableToken.Subject), nameof(TableToken.Type)];

    public override IEnumerable<IndexEntry> IndexEntries(TableToken token)
    {
        if (!string.IsNullOrEmpty(token.ReferenceId))
            yield return IndexEntry.Unique(ReferenceKind, token.ReferenceId);
        if (!string.IsNullOrEmpty(token.AuthorizationId))
            yield return IndexEntry.Multi(AuthorizationKind, token.AuthorizationId, token.Id!);
        if (!string.IsNullOrEmpty(token.Subject))
            yield return IndexEntry.Grouped(SubjectKind, token.Subject, token.ApplicationId, token.Id!);
        if (!string.IsNullOrEmpty(token.ApplicationId))
            yield return IndexEntry.Sharded(ApplicationKind, token.ApplicationId, token.Id!);
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
