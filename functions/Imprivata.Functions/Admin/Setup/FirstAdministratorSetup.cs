using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Imprivata.Core.Audit;
using Imprivata.Core.Setup;
using Imprivata.Core.Telemetry;
using Imprivata.Core.UserDirectory;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Setup;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Imprivata.Functions.Admin.Setup;

/// <summary>
/// The first-administrator setup: the secret from Key Vault when <see cref="SecretUriSetting"/> is set (the template sets
/// it), else from <see cref="SecretSetting"/>, else none (the page then points to the demo's seed).
/// </summary>
public static class FirstAdministratorSetup
{
    public const string SecretUriSetting = "Imprivata:Setup:SecretUri";
    public const string SecretSetting = "Imprivata:Setup:Secret";
    /// <summary>The row key of the per-address failure counters in the Throttle table.</summary>
    public const string ThrottleCounter = "setup";

    public static void AddFirstAdministratorSetup(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var secretUri = builder.Configuration[SecretUriSetting];
        if (!string.IsNullOrWhiteSpace(secretUri))
        {
            if (!Uri.TryCreate(secretUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                throw new InvalidOperationException($"{SecretUriSetting} must be the https URI of a Key Vault secret.");
            services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
            services.TryAddSingleton(_ => KeyVaultSetupSecret.DefaultOptions());
            services.AddSingleton<ISetupSecretSource>(sp => new KeyVaultSetupSecret(uri, sp.GetRequiredService<TokenCredential>(),
                sp.GetRequiredService<SecretClientOptions>()));
        }
        else
        {
            services.AddSingleton<ISetupSecretSource>(new ConfiguredSetupSecret(builder.Configuration[SecretSetting]));
        }
        services.AddSingleton<ISetupClaims, TableSetupClaims>();
        services.AddSingleton(sp => new FirstAdministrator(sp.GetRequiredService<IDirectoryStore>(), sp.GetRequiredService<DirectoryService>(),
            sp.GetRequiredService<ISetupSecretSource>(), sp.GetRequiredService<ISetupClaims>(),
            new TableThrottleStore(sp.GetRequiredService<TableSet>(), ThrottleCounter), sp.GetRequiredService<IAuditLog>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SecurityMetrics>()));
    }
}
