using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Sessions;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Policies;
using Imprivata.Storage.Sessions;

namespace Imprivata.Functions.Login;

public static class MfaLoginSetup
{
    /// <summary>The policy engine and the second-factor login framework; methods add ICodeFactor / LoginStepRoute registrations.</summary>
    public static void AddMfaLogin(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IPolicyStore, TablePolicyStore>();
        builder.Services.AddSingleton<UserPolicyResolver>();
        builder.Services.AddSingleton<PolicyEngine>();
        builder.Services.AddSingleton<IThrottleStore, TableThrottleStore>();
        builder.Services.AddSingleton<AccountThrottle>();
        builder.Services.AddSingleton<IPendingLoginStore, TablePendingLoginStore>();
        builder.Services.AddSingleton<MfaLogin>();
        builder.Services.AddSingleton<LoginStepRoutes>();
        builder.Services.AddSingleton<Hosting.IPurgeTask, PendingLoginPurge>();
    }
}

internal sealed class PendingLoginPurge(IPendingLoginStore store) : Hosting.IPurgeTask
{
    public string Name => "pending-logins";
    public Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct) => store.PurgeExpiredAsync(now, ct);
}
