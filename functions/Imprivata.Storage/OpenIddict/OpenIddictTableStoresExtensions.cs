using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Imprivata.Storage.OpenIddict;

public static class OpenIddictTableStoresExtensions
{
    /// <summary>
    /// Makes OpenIddict keep applications, authorizations, tokens and scopes in Azure Tables. The stores hold no
    /// per-request state and depend only on the singleton <c>TableSet</c> and <c>TimeProvider</c> the app registers,
    /// so they are singletons. The application manager remembers verified client secrets (<see cref="VerifiedClientSecrets"/>);
    /// the token manager ties self-contained tokens to their authorization (<see cref="TableTokenManager"/>).
    /// </summary>
    public static OpenIddictCoreBuilder UseTableStores(this OpenIddictCoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<VerifiedClientSecrets>();
        builder.Services.TryAddSingleton<IssuedCodes>();
        return builder
            .SetDefaultApplicationEntity<TableApplication>()
            .SetDefaultAuthorizationEntity<TableAuthorization>()
            .SetDefaultScopeEntity<TableScope>()
            .SetDefaultTokenEntity<TableToken>()
            .ReplaceApplicationStore<TableApplication, TableApplicationStore>(ServiceLifetime.Singleton)
            .ReplaceAuthorizationStore<TableAuthorization, TableAuthorizationStore>(ServiceLifetime.Singleton)
            .ReplaceScopeStore<TableScope, TableScopeStore>(ServiceLifetime.Singleton)
            .ReplaceTokenStore<TableToken, TableTokenStore>(ServiceLifetime.Singleton)
            .ReplaceApplicationManager<TableApplication, TableApplicationManager>()
            .ReplaceTokenManager<TableToken, TableTokenManager>();
    }
}
