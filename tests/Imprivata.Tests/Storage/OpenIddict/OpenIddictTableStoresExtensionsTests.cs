using Imprivata.Storage.OpenIddict;
using Imprivata.Storage.Tables;
using Imprivata.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Tests.Storage.OpenIddict;

/// <summary>OpenIddict's own managers over the table stores, wired the way the app wires them.</summary>
public sealed class OpenIddictTableStoresExtensionsTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly ServiceProvider _services;

    public OpenIddictTableStoresExtensionsTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new TableSet(Azurite.NewTables()));
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(OidcTables.Now));
        services.AddOpenIddict().AddCore(options => options.UseTableStores());
        _services = services.BuildServiceProvider(validateScopes: true);
    }

    public void Dispose() => _services.Dispose();

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
