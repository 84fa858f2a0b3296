using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Sessions;
using Imprivata.Functions.Login;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Login;

/// <summary>
/// The real service with one extra code method in front of the built-in OTP one: it accepts exactly the code a test hands
/// it, once. It exercises the framework (pending login, chooser, throttle, amr) independently of any one method's math.
/// </summary>
public class MfaLoginFixture : OidcFixture
{
    public HandedCodeFactor Codes { get; } = new();

    /// <summary>The service's host: 127.0.0.1 here (no WebAuthn, browsers refuse IP relying parties), localhost for WebAuthn tests.</summary>
    protected virtual string Host => "127.0.0.1";

    protected override Task<TestService> StartServiceAsync() =>
        TestService.StartAsync(configure: builder => builder.Services.AddSingleton<ICodeFactor>(Codes), host: Host);

    public IPolicyStore Policies => Service.Services.GetRequiredService<IPolicyStore>();
    public IEnrollmentStore Enrollments => Service.Services.GetRequiredService<IEnrollmentStore>();

    /// <summary>Makes the Web SSO workflow live for the default user policy with these second factors and this default rule.</summary>
    public async Task UseWebSsoAsync(IReadOnlyList<Factor> factors, EnrollmentRule? rule = null, bool associated = true)
    {
        await Policies.SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            WebSso = new Workflow { SecondFactors = factors, UserPolicyIds = associated ? [UserPolicy.DefaultId] : [] },
        }, CancellationToken.None);
        await Policies.SaveEnrollmentRuleAsync(rule ?? EnrollmentRule.Default, CancellationToken.None);
    }

    public Task<Enrollment> EnrollAsync(DirectoryUser user, Factor factor) => Enrollments.AddAsync(new Enrollment
    {
        Id = Guid.NewGuid().ToString("N"),
        UserId = user.Id,
        Factor = factor,
        Label = "test " + factor.Name(),
        CreatedAt = DateTimeOffset.UtcNow,
        Confirmed = true,
        Destination = factor is Factor.Sms ? "+15550100" : null,
    }, CancellationToken.None);
}

/// <summary>An OTP-token method for framework tests: the test says which code is right for which user; each is single use.</summary>
public sealed class HandedCodeFactor : ICodeFactor
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _codes = new();

    public Factor Factor => Factor.OtpToken;
    public int Prepared;

    public void Expect(DirectoryUser user, string code) => _codes[user.Id] = code;

    public Task<CodePrompt> PrepareAsync(DirectoryUser user, PendingLogin pending, bool resend, CancellationToken ct)
    {
        Interlocked.Increment(ref Prepared);
        return Task.FromResult(new CodePrompt("Enter the code from your token."));
    }

    public Task<bool> VerifyAsync(DirectoryUser user, PendingLogin pending, string code, CancellationToken ct) =>
        Task.FromResult(_codes.TryGetValue(user.Id, out var expected) && expected == code && _codes.TryRemove(new(user.Id, expected)));
}
