using Azure.Identity;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Login;
using Imprivata.Storage.Mfa.Codes;
using Imprivata.Storage.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprivata.Functions.Mfa.Codes;

/// <summary>
/// SMS and e-mail codes: the carriers chosen by "Imprivata:Messaging", the code service ("Imprivata:Codes"), phone /
/// e-mail enrollment and the sign-in step service. The outbox page is mapped in standalone mode only, for administrators.
/// </summary>
public static partial class CodesSetup
{
    public const string OutboxPath = "/outbox";

    public static void AddCodes(this WebApplicationBuilder builder, HostingMode mode)
    {
        var codes = new OneTimeCodeOptions();
        builder.Configuration.GetSection(OneTimeCodeOptions.Section).Bind(codes);
        codes.Validate();
        var messaging = new MessagingOptions();
        builder.Configuration.GetSection(MessagingOptions.Section).Bind(messaging);

        var services = builder.Services;
        services.AddSingleton(codes);
        services.AddSingleton<IOneTimeCodeStore, TableOneTimeCodeStore>();
        services.AddSingleton<ICodeSendLog, TableCodeSendLog>();
        services.AddSingleton<ICodeHashKey, TableCodeHashKey>();
        services.AddSingleton<IOutboxStore, TableOutboxStore>();
        services.AddSingleton<OutboxSender>();
        services.AddSingleton(SmsSender(services, messaging));
        services.AddSingleton(EmailSender(services, messaging));
        services.AddSingleton<OneTimeCodes>();
        services.AddSingleton<CodeEnrollments>();
        services.AddSingleton<CodeSignIns>();
        services.AddSingleton<IPurgeTask, CodesPurge>();
        // Login steps /login/mfa/sms and /login/mfa/email (the framework's code page) and enrollment at login.
        foreach (var channel in new[] { CodeChannel.Sms, CodeChannel.Email })
        {
            services.AddSingleton<ICodeFactor>(sp => new CodeLoginFactor(channel, sp.GetRequiredService<CodeSignIns>(), codes));
            services.AddSingleton(new LoginStepRoute(channel.Factor(), null, CodeEnrollmentEndpoints.EnrollPath(channel)));
        }
        if (mode.IsCustomHandler && (messaging.Sms == MessagingOptions.Outbox || messaging.Email == MessagingOptions.Outbox))
            services.AddHostedService<OutboxWarning>();
    }

    public static void MapOutbox(this WebApplication app)
    {
        app.MapGet(OutboxPath, async (HttpContext http, IOutboxStore outbox) =>
        {
            PageHeaders.Apply(http);
            return new RazorComponentResult<OutboxPage>(new { Messages = await outbox.ListAsync(50, http.RequestAborted) });
        })
            // Live sign-in codes are second factors: administrators only (helpdesk or superadmin); anyone else goes to the admin sign-in.
            .AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Pages));
    }

    private static Func<IServiceProvider, ISmsSender> SmsSender(IServiceCollection services, MessagingOptions messaging)
    {
        switch (messaging.Sms)
        {
            case MessagingOptions.Outbox:
                return sp => sp.GetRequiredService<OutboxSender>();
            case MessagingOptions.Acs:
                var acs = messaging.AcsSms;
                if (!Uri.TryCreate(acs.Endpoint, UriKind.Absolute, out _) || string.IsNullOrWhiteSpace(acs.From))
                    throw new InvalidOperationException("Imprivata:Messaging:AcsSms needs Endpoint and From when Sms = Acs.");
                if (!string.IsNullOrEmpty(acs.AccessKey) && !IsBase64(acs.AccessKey))
                    throw new InvalidOperationException("Imprivata:Messaging:AcsSms:AccessKey is not base64.");
                services.AddHttpClient(AcsSmsSender.HttpClientName);
                return sp => new AcsSmsSender(sp.GetRequiredService<IHttpClientFactory>(), acs,
                    string.IsNullOrEmpty(acs.AccessKey) ? new DefaultAzureCredential() : null,
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AcsSmsSender>>());
            default:
                throw new InvalidOperationException($"Imprivata:Messaging:Sms must be {MessagingOptions.Outbox} or {MessagingOptions.Acs}.");
        }
    }

    private static Func<IServiceProvider, IEmailSender> EmailSender(IServiceCollection services, MessagingOptions messaging)
    {
        switch (messaging.Email)
        {
            case MessagingOptions.Outbox:
                return sp => sp.GetRequiredService<OutboxSender>();
            case MessagingOptions.Smtp:
                var smtp = messaging.SmtpServer;
                if (string.IsNullOrWhiteSpace(smtp.Host) || !MimeKit.MailboxAddress.TryParse(smtp.From, out _))
                    throw new InvalidOperationException("Imprivata:Messaging:SmtpServer needs Host and a valid From when Email = Smtp.");
                return sp => new SmtpEmailSender(smtp, sp.GetRequiredService<ILogger<SmtpEmailSender>>());
            default:
                throw new InvalidOperationException($"Imprivata:Messaging:Email must be {MessagingOptions.Outbox} or {MessagingOptions.Smtp}.");
        }
    }

    private static bool IsBase64(string value) => Convert.TryFromBase64String(value, new byte[value.Length], out _);

    /// <summary>In Azure the outbox delivers nothing and keeps codes readable in a table: say so at every start.</summary>
    private sealed partial class OutboxWarning(ILogger<OutboxWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            Log(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "SMS or e-mail codes go to the local outbox: nothing is delivered. Set Imprivata:Messaging:Sms = Acs and Email = Smtp.")]
        private static partial void Log(ILogger logger);
    }
}

/// <summary>Deletes expired codes, old send-limit slots and outbox messages older than a day.</summary>
internal sealed class CodesPurge(IOneTimeCodeStore codes, ICodeSendLog sends, IOutboxStore outbox, OneTimeCodeOptions options) : IPurgeTask
{
    public string Name => "one-time-codes";

    public async Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var horizon = options.SendWindow > TimeSpan.FromDays(1) ? options.SendWindow : TimeSpan.FromDays(1);
        return await codes.PurgeAsync(now, ct).ConfigureAwait(false)
            + await sends.PurgeAsync(now - horizon, ct).ConfigureAwait(false)
            + await outbox.PurgeAsync(now - TimeSpan.FromDays(1), ct).ConfigureAwait(false);
    }
}
