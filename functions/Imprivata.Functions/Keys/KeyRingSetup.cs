using Imprivata.Functions.Hosting;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Keys;
using Imprivata.Core.Keys;
using Imprivata.Functions.Infrastructure;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Keys;
using Imprivata.Storage.Secrets;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Imprivata.Functions.Keys;

public static class KeyRingSetup
{
    public const string SoftwareProvider = "software";
    public const string KeyVaultProvider = "keyvault";

    /// <summary>
    /// Registers <see cref="ISigningKeyRing"/>: the software ring in Tables ("Imprivata:KeyProvider" = software, the default)
    /// or the Key Vault ring (keyvault, with "Imprivata:KeyVaultUrl" and "Imprivata:KeyVaultKeyName", and then the Key Vault
    /// key-encryption key "Imprivata:KeyVaultWrapKeyName" that seals the Secrets table's data keys), and
    /// <see cref="KeyRingOptions"/> from "Imprivata:Keys". Misconfiguration fails here, at start.
    /// </summary>
    public static void AddKeyRing(this WebApplicationBuilder builder)
    {
        var keys = new KeyRingOptions();
        builder.Configuration.GetSection(KeyRingOptions.Section).Bind(keys);
        keys.Validate(Oidc.OidcSetup.LongestSignedTokenLifetime);
        builder.Services.AddSingleton(keys);
        builder.Services.AddFunctionHandler<MaintainKeysFunction>();

        var service = builder.Configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>() ?? new ServiceOptions();
        switch (service.KeyProvider.Trim().ToLowerInvariant())
        {
            case SoftwareProvider:
                builder.Services.AddSingleton<SoftwareKeyRing>();
                builder.Services.AddSingleton<ISigningKeyRing>(sp => sp.GetRequiredService<SoftwareKeyRing>());
                break;
            case KeyVaultProvider:
                AddKeyVaultRing(builder.Services, service);
                break;
            default:
                throw new InvalidOperationException($"Imprivata:KeyProvider must be '{SoftwareProvider}' or '{KeyVaultProvider}', not '{service.KeyProvider}'.");
        }
    }

    private static void AddKeyVaultRing(IServiceCollection services, ServiceOptions service)
    {
        if (!Uri.TryCreate(service.KeyVaultUrl, UriKind.Absolute, out var vault) || vault.Scheme != Uri.UriSchemeHttps)
            throw new InvalidOperationException("Imprivata:KeyVaultUrl must be the vault's https URL when Imprivata:KeyProvider is keyvault.");
        if (string.IsNullOrWhiteSpace(service.KeyVaultKeyName))
            throw new InvalidOperationException("Imprivata:KeyVaultKeyName must name the RSA key when Imprivata:KeyProvider is keyvault.");
        if (string.IsNullOrWhiteSpace(service.KeyVaultWrapKeyName) || service.KeyVaultWrapKeyName == service.KeyVaultKeyName)
            throw new InvalidOperationException(
                "Imprivata:KeyVaultWrapKeyName must name an RSA key of its own (wrapKey, unwrapKey) when Imprivata:KeyProvider is keyvault, not the signing key.");

        // Managed identity in Azure, developer credentials locally; a test or another feature may register its own first.
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(_ => KeyVaultClients.DefaultOptions());
        services.AddSingleton(sp => KeyVaultClients.Create(vault, sp.GetRequiredService<TokenCredential>(), sp.GetRequiredService<KeyClientOptions>()));
        services.AddSingleton(sp => new KeyVaultKeyRing(
            sp.GetRequiredService<KeyClient>(), service.KeyVaultKeyName, sp.GetRequiredService<KeyRingOptions>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KeyVaultKeyRing>>()));
        services.AddSingleton<ISigningKeyRing>(sp => sp.GetRequiredService<KeyVaultKeyRing>());
        services.AddSingleton<IKeyEncryptionKey>(sp => new KeyVaultKeyEncryptionKey(sp.GetRequiredService<KeyClient>(), service.KeyVaultWrapKeyName));
    }
}
