using Imprivata.Storage.OpenIddict;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Storage.Tests.OpenIddict;

/// <summary>OpenIddict's own managers over the table stores, wired the way the app wires them.</summary>
public sealed class OpenIddictTableStoresExtensionsTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ServiceProvider _services;

    private readonly TableSet _tables = new(Azurite.NewTables());
    // A second instance of the app over the same tables (its own in-process caches), as in a scaled-out function app.
    private readonly ServiceProvider _elsewhere;

    public OpenIddictTableStoresExtensionsTests()
    {
        _services = Instance(_tables);
        _elsewhere = Instance(_tables);
    }

    private static ServiceProvider Instance(TableSet tables)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(tables);
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(OidcTables.Now));
        services.AddOpenIddict().AddCore(options => options.UseTableStores());
        return services.BuildServiceProvider(validateScopes: true);
    }

    public void Dispose()
    {
        _services.Dispose();
        _elsewhere.Dispose();
    }

    /// <summary>An ad-hoc authorization and its code, issued by <paramref name="instance"/> as the authorize endpoint does.</summary>
    /// <returns>The ids, and the code the client gets: it names its row (LocatedCodes), OpenIddict's random part after it.</returns>
    private static async Task<(string AuthorizationId, string CodeId, string Code)> IssueCodeAsync(ServiceProvider instance, string referenceId)
    {
        using var scope = instance.CreateScope();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var authorization = (TableAuthorization)await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            Subject = "alice", Status = Statuses.Valid, Type = AuthorizationTypes.AdHoc, CreationDate = OidcTables.Now,
        }, Ct);
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        // Like OpenIddict: create the entry, then add the code's hash once the code exists.
        var code = await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            AuthorizationId = authorization.Id, Subject = "alice", Status = Statuses.Valid, Type = TokenTypeIdentifiers.Private.AuthorizationCode,
            CreationDate = OidcTables.Now, ExpirationDate = OidcTables.Now.AddMinutes(1),
        }, Ct);
        var descriptor = new OpenIddictTokenDescriptor();
        await tokens.PopulateAsync(descriptor, code, Ct);
        descriptor.ReferenceId = referenceId;
        descriptor.Payload = "payload";
        await tokens.UpdateAsync(code, descriptor, Ct);
        return (authorization.Id!, ((TableToken)code).Id!, descriptor.ReferenceId!);
    }

    private static async Task<(TableToken Code, TableAuthorization Authorization)> PresentCodeAsync(IServiceProvider request, string referenceId)
    {
        var code = (TableToken?)await request.GetRequiredService<IOpenIddictTokenManager>().FindByReferenceIdAsync(referenceId, Ct);
        Assert.NotNull(code);
        var authorization = (TableAuthorization?)await request.GetRequiredService<IOpenIddictAuthorizationManager>().FindByIdAsync(code.AuthorizationId!, Ct);
        Assert.NotNull(authorization);
        return (code, authorization);
    }

    private async Task<string?> StoredStatusAsync(string authorizationId)
    {
        using var scope = _elsewhere.CreateScope();
        var authorization = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().FindByIdAsync(authorizationId, Ct);
        return authorization is null ? null : await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().GetStatusAsync(authorization, Ct);
    }

    [Fact]
    public async Task CodeIssuedHere_RedeemedHere_IsRedeemedOnceAndAReplayRevokesItsAuthorization()
    {
        var (authorizationId, codeId, issued) = await IssueCodeAsync(_services, "code-1");

        using (var first = _services.CreateScope())
        {
            var (code, authorization) = await PresentCodeAsync(first.ServiceProvider, issued);
            Assert.True(code.FromSnapshot);
            Assert.Equal(codeId, code.Id);
            Assert.Equal(Statuses.Valid, authorization.Status);
            Assert.True(await first.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().TryRedeemAsync(code, Ct));
        }

        using var replay = _services.CreateScope();
        var again = (TableToken?)await replay.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().FindByReferenceIdAsync(issued, Ct);
        Assert.NotNull(again);
        Assert.False(again.FromSnapshot); // handed out once; the replay reads the stored "redeemed"
        Assert.Equal(Statuses.Redeemed, again.Status);
        Assert.Equal(Statuses.Valid, await StoredStatusAsync(authorizationId));
    }

    [Fact]
    public async Task CodeIssuedHere_RedeemedFirstOnAnotherInstance_IsRefusedHereAndRevokesTheFamily()
    {
        var (authorizationId, _, issued) = await IssueCodeAsync(_services, "code-2");
        using (var elsewhere = _elsewhere.CreateScope())
        {
            var (code, _) = await PresentCodeAsync(elsewhere.ServiceProvider, issued);
            Assert.False(code.FromSnapshot);
            Assert.True(await elsewhere.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().TryRedeemAsync(code, Ct));
        }

        using var here = _services.CreateScope();
        var (snapshot, authorization) = await PresentCodeAsync(here.ServiceProvider, issued);
        Assert.True(snapshot.FromSnapshot);
        Assert.Equal(Statuses.Valid, authorization.Status); // as issued: the redeeming write is what must notice

        Assert.False(await here.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().TryRedeemAsync(snapshot, Ct));
        Assert.Equal(Statuses.Revoked, await StoredStatusAsync(authorizationId));
    }

    [Fact]
    public async Task CodeIssuedHere_AuthorizationRevokedOnAnotherInstance_IsRefusedHere()
    {
        var (authorizationId, _, issued) = await IssueCodeAsync(_services, "code-3");
        using (var elsewhere = _elsewhere.CreateScope())
        {
            var authorizations = elsewhere.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            Assert.True(await authorizations.TryRevokeAsync((await authorizations.FindByIdAsync(authorizationId, Ct))!, Ct));
        }

        using var here = _services.CreateScope();
        var (snapshot, _) = await PresentCodeAsync(here.ServiceProvider, issued);
        Assert.True(snapshot.FromSnapshot);

        Assert.False(await here.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().TryRedeemAsync(snapshot, Ct));
        Assert.Equal(Statuses.Revoked, await StoredStatusAsync(authorizationId));
    }

    [Fact]
    public async Task AuthorizationSnapshot_IsOnlyHandedOutForTheRedemptionOfItsCode()
    {
        var (authorizationId, _, _) = await IssueCodeAsync(_services, "code-4");
        using (var elsewhere = _elsewhere.CreateScope())
        {
            var authorizations = elsewhere.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            Assert.True(await authorizations.TryRevokeAsync((await authorizations.FindByIdAsync(authorizationId, Ct))!, Ct));
        }

        // Any other look-up of the authorization on the issuing instance (userinfo, refresh, revocation) reads storage.
        using var here = _services.CreateScope();
        var authorization = await here.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().FindByIdAsync(authorizationId, Ct);
        Assert.Equal(Statuses.Revoked, ((TableAuthorization)authorization!).Status);
    }

    [Fact]
    public async Task ApplicationManager_ConfidentialClient_ValidatesItsSecretOnly()
    {
        using (var scope = _services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
            {
                ClientId = "portal",
                ClientSecret = "s3cret-value",
                ClientType = ClientTypes.Confidential,
                RedirectUris = { new Uri("https://portal.example/cb") },
                Permissions = { Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code },
            }, Ct);
        }

        using var request = _services.CreateScope();
        var applications = request.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await applications.FindByClientIdAsync("portal", Ct);

        Assert.NotNull(application);
        Assert.True(await applications.ValidateClientSecretAsync(application, "s3cret-value", Ct));
        Assert.False(await applications.ValidateClientSecretAsync(application, "wrong", Ct));
        Assert.True(await applications.ValidateRedirectUriAsync(application, "https://portal.example/cb", Ct));
        Assert.NotEqual("s3cret-value", ((TableApplication)application).ClientSecret);
    }

    [Fact]
    public async Task TokenManager_TwoRequestsRedeemOneCode_ExactlyOneWins()
    {
        string id;
        using (var scope = _services.CreateScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().CreateAsync(new OpenIddictTokenDescriptor
            {
                Subject = "alice", Status = Statuses.Valid, Type = TokenTypeIdentifiers.Private.AuthorizationCode,
                CreationDate = OidcTables.Now, ExpirationDate = OidcTables.Now.AddMinutes(1), ReferenceId = "the-code",
            }, Ct);
            id = ((TableToken)created).Id!;
        }

        using var first = _services.CreateScope();
        using var second = _services.CreateScope();
        var managers = new[] { first, second }.Select(s => s.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>()).ToArray();
        var tokens = await Task.WhenAll(managers.Select(m => m.FindByReferenceIdAsync("the-code", Ct).AsTask()));
        Assert.All(tokens, token => Assert.Equal(id, ((TableToken?)token)?.Id));

        var redeemed = await Task.WhenAll(managers.Select((m, i) => m.TryRedeemAsync(tokens[i]!, Ct).AsTask()));

        Assert.Equal(1, redeemed.Count(won => won));
    }
}
