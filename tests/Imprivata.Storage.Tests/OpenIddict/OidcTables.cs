using Imprivata.Storage.OpenIddict;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.OpenIddict;

/// <summary>The four stores over a fresh, isolated set of tables in the test Azurite.</summary>
internal sealed class OidcTables
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public TableSet Tables { get; } = new(Azurite.NewTables());
    public FakeTimeProvider Time { get; } = new(Now);
    public TableApplicationStore Applications { get; }
    public TableAuthorizationStore Authorizations { get; }
    public TableTokenStore Tokens { get; }
    public TableScopeStore Scopes { get; }

    public OidcTables()
    {
        Applications = new(Tables, Time, NullLogger<TableApplicationStore>.Instance);
        Authorizations = new(Tables, NullLogger<TableAuthorizationStore>.Instance);
        Tokens = new(Tables, Time, NullLogger<TableTokenStore>.Instance);
        Scopes = new(Tables, NullLogger<TableScopeStore>.Instance);
    }

    public async Task<TableToken> NewTokenAsync(string? authorizationId = null, string subject = "alice", string applicationId = "app1",
        string status = "valid", DateTimeOffset? created = null, DateTimeOffset? expires = null, string? referenceId = null)
    {
        var token = new TableToken
        {
            ApplicationId = applicationId, AuthorizationId = authorizationId, Subject = subject, Status = status, Type = "authorization_code",
            CreationDate = created ?? Now, ExpirationDate = expires ?? Now.AddMinutes(5), ReferenceId = referenceId,
        };
        await Tokens.CreateAsync(token, CancellationToken.None);
        return token;
    }

    public async Task<TableAuthorization> NewAuthorizationAsync(string subject = "alice", string applicationId = "app1", string status = "valid",
        string type = "ad-hoc", DateTimeOffset? created = null, string? scopes = null)
    {
        var authorization = new TableAuthorization
        {
            ApplicationId = applicationId, Subject = subject, Status = status, Type = type, CreationDate = created ?? Now, Scopes = scopes,
        };
        await Authorizations.CreateAsync(authorization, CancellationToken.None);
        return authorization;
    }
}
