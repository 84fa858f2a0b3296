using Imprivata.Core.Mfa.Push;
using Imprivata.Functions.Hosting;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Queues;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>
/// Push approval: challenges and per-user push state in Tables, deadlines on the "PushDeadlineQueue" queue (app setting,
/// default "push-deadlines"; the PushDeadline function.json reads the same setting), the approver page and its API, and
/// the administrators' fraud alerts. Options: section "Imprivata:Push" (<see cref="PushOptions"/>).
/// </summary>
public static class PushSetup
{
    public const string DeadlineQueueSetting = "PushDeadlineQueue";
    public const string DefaultDeadlineQueue = "push-deadlines";

    public static void AddPush(this WebApplicationBuilder builder)
    {
        var options = new PushOptions();
        builder.Configuration.GetSection(PushOptions.Section).Bind(options);
        // The queue function's %PushDeadlineQueue% must resolve in standalone mode too.
        if (string.IsNullOrEmpty(builder.Configuration[DeadlineQueueSetting]))
            builder.Configuration[DeadlineQueueSetting] = DefaultDeadlineQueue;
        var queueName = builder.Configuration[DeadlineQueueSetting]!;

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<IPushChallengeStore, TablePushChallengeStore>();
        services.AddSingleton<IPushEnrollmentTokenStore, TablePushEnrollmentTokenStore>();
        services.AddSingleton<IDeviceNonceStore, TableDeviceNonceStore>();
        services.AddSingleton<IPushDeadlineScheduler>(sp => new StorageQueuePushDeadlines(sp.GetRequiredService<QueueSet>(), queueName, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PushApproval>();
        services.AddSingleton<PushEnrollment>();
        services.AddSingleton<ApproverInvites>();
        services.AddSingleton<FraudAlerts>();
        services.AddSingleton<DeviceRequestAuth>();
        services.AddSingleton<IPurgeTask, DeviceNoncePurge>();
        services.AddFunctionHandler<PushDeadlineFunction>();
        services.AddSingleton(new Login.LoginStepRoute(Core.Mfa.Factor.Push, PushLoginEndpoints.LoginPath, PushLoginEndpoints.EnrollPath));
    }

    public static void MapPush(this WebApplication app)
    {
        app.MapApproverPage();
        app.MapApproverApi();
        app.MapPushAdminApi();
        app.MapFraudAlertPages();
        app.MapPushLogin();
    }
}
