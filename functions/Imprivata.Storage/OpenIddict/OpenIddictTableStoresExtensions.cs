using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Storage.OpenIddict;

public static class OpenIddictTableStoresExtensions
{
    /// <summary>
    /// Makes OpenIddict keep applications, authorizations, tokens and scopes in Azure Tables. The stores hold no
    /// per-request state and depend only on the singleton <c>TableSet</c> and <c>TimeProvider</c> the app registers,
    /// so they are singletons.
    /// </summary>
    public static OpenIddictCoreBuilder UseTableStores(this OpenIddictCoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .SetDefaultApplicationEntity<TableApplication>()
            .SetDefaultAuthorizationEntity<TableAuthorization>()
            .SetDefaultScopeEntity<TableScope>()
            .SetDefaultTokenEntity<TableToken>()
            .ReplaceApplicationStore<TableApplication, TableApplicationStore>(ServiceLifetime.Singleton)
            .ReplaceAuthorizationStore<TableAuthorization, TableAuthorizationStore>(ServiceLifetime.Singleton)
            .ReplaceScopeStore<TableScope, TableScopeStore>(ServiceLifetime.Singleton)
            .ReplaceTokenStore<TableToken, TableTokenStore>(ServiceLifetime.Singleton);
    }
}
