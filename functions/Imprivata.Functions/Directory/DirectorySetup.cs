using Imprivata.Core.Apps;
using Imprivata.Core.Directory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Passwords;
using Imprivata.Core.Settings;
using Imprivata.Storage.Apps;
using Imprivata.Storage.Directory;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Settings;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Imprivata.Functions.Directory;

public static class DirectorySetup
{
    /// <summary>Directory, app profiles and settings on Tables, with the services that hold their rules.</summary>
    public static void AddDirectory(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<PasswordHasher>();
        builder.Services.TryAddSingleton(sp => new PasswordAttempts(sp.GetRequiredService<PasswordHasher>(),
            new AccountThrottle(new TableThrottleStore(sp.GetRequiredService<TableSet>(), TableThrottleStore.Passwords),
                sp.GetRequiredService<TimeProvider>(), ThrottleRules.Password)));
        builder.Services.AddSingleton<IDirectoryStore, TableDirectoryStore>();
        builder.Services.AddSingleton<IAppProfileStore, TableAppProfileStore>();
        builder.Services.AddSingleton<ISettingsStore, TableSettingsStore>();
        builder.Services.AddSingleton<GroupMembership>();
        builder.Services.AddSingleton<GroupService>();
        builder.Services.AddSingleton<DirectoryService>();
        builder.Services.AddSingleton<AppDeploymentRule>();
    }
}
