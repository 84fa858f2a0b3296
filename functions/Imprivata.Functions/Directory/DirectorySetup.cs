using Imprivata.Core.Apps;
using Imprivata.Core.Directory;
using Imprivata.Core.Passwords;
using Imprivata.Core.Settings;
using Imprivata.Storage.Apps;
using Imprivata.Storage.Directory;
using Imprivata.Storage.Settings;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Imprivata.Functions.Directory;

public static class DirectorySetup
{
    /// <summary>Directory, app profiles and settings on Tables, with the services that hold their rules.</summary>
    public static void AddDirectory(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<PasswordHasher>();
        builder.Services.AddSingleton<IDirectoryStore, TableDirectoryStore>();
        builder.Services.AddSingleton<IAppProfileStore, TableAppProfileStore>();
        builder.Services.AddSingleton<ISettingsStore, TableSettingsStore>();
        builder.Services.AddSingleton<GroupMembership>();
        builder.Services.AddSingleton<GroupService>();
        builder.Services.AddSingleton<DirectoryService>();
        builder.Services.AddSingleton<AppDeploymentRule>();
    }
}
