using Imprivata.Core.Audit;
using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Core.Passwords;
using Imprivata.Core.Settings;
using Imprivata.Storage.Apps;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Settings;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Imprivata.Functions.UserDirectory;

public static class DirectorySetup
{
    /// <summary>Directory, app profiles and settings on Tables, with the services that hold their rules.</summary>
    public static void AddDirectory(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<PasswordHasher>();
        builder.Services.TryAddSingleton(sp => new PasswordAttempts(sp.GetRequiredService<PasswordHasher>(),
            new AccountThrottle(PasswordCounters(sp), sp.GetRequiredService<TimeProvider>(), ThrottleRules.Password),
            sp.GetRequiredService<ICodeHasher>()));
        builder.Services.TryAddSingleton<AuditedUsernames>();
        builder.Services.AddSingleton<Hosting.IPurgeTask>(sp => new UnknownUsernameCounterPurge(PasswordCounters(sp)));
        builder.Services.AddSingleton<IDirectoryStore, TableDirectoryStore>();
        builder.Services.AddSingleton<IAppProfileStore, TableAppProfileStore>();
        builder.Services.AddSingleton<ISettingsStore, TableSettingsStore>();
        builder.Services.AddSingleton<GroupMembership>();
        builder.Services.AddSingleton<GroupService>();
        builder.Services.AddSingleton<DirectoryService>();
        builder.Services.AddSingleton<AppDeploymentRule>();
    }

    private static TableThrottleStore PasswordCounters(IServiceProvider sp) =>
        new(sp.GetRequiredService<TableSet>(), TableThrottleStore.Passwords);
}

/// <summary>
/// Deletes the wrong-password counters of usernames that name nobody once idle for a day: anyone can create one by typing
/// a name, so they must not pile up. A real user's counter stays (it ends with their next good password).
/// </summary>
internal sealed class UnknownUsernameCounterPurge(TableThrottleStore counters) : Hosting.IPurgeTask
{
    public static readonly TimeSpan IdleFor = TimeSpan.FromDays(1);
    public string Name => "unknown-username-password-counters";
    public Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct) =>
        counters.PurgeIdleAsync(PasswordAttempts.UnknownUsernamePrefix, now - IdleFor, ct);
}
