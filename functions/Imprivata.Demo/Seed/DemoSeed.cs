using Imprivata.Functions.Oidc;
using System.Security.Cryptography;
using System.Text.Json;
using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Demo.Sample;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Infrastructure;
using Imprivata.Functions.Login;
using Microsoft.Extensions.Options;

namespace Imprivata.Demo.Seed;

/// <summary>
/// The demo (run.sh): a break-glass administrator (password handed to the run script once, in a file it deletes after
/// printing), a demo user and the demo OIDC app behind the sample relying party. Idempotent: a second run reuses all three.
/// For run.sh it writes, in the demo folder, demo.json (credentials and what the demo user's next sign-in asks for; owner-only
/// like every file with a password) and public-url (where the service answers, once it listens).
/// </summary>
public sealed class DemoSeed(
    IConfiguration configuration,
    AdminBootstrap admins,
    IDirectoryStore directory,
    DirectoryService users,
    IAppProfileStore profiles,
    IOidcClientRegistry clients,
    SampleClient sample,
    IOptions<ServiceOptions> options,
    IPolicyStore policies,
    PolicyEngine engine,
    LoginStepRoutes routes,
    TimeProvider time) : IHostedService
{
    public const string DemoUsername = "demo";
    public const string DemoClientId = "demo-app";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task StartAsync(CancellationToken ct)
    {
        if (!configuration.GetValue<bool>(DemoApp.SeedKey))
            return;
        var folder = DemoApp.Folder(configuration);
        Directory.CreateDirectory(folder);
        var statePath = Path.Combine(folder, "demo.json");
        var state = File.Exists(statePath) ? JsonSerializer.Deserialize<DemoState>(await File.ReadAllTextAsync(statePath, ct), Json) : null;

        if (await admins.EnsureBreakGlassAsync(ct) is { } breakGlassPassword)
            OwnerOnlyFile.Write(Path.Combine(folder, "breakglass-once.txt"), breakGlassPassword);

        if (state is null)
            await EnableWebSsoMfaAsync(ct);
        var password = await EnsureDemoUserAsync(state?.Password, ct);
        var secret = await EnsureDemoClientAsync(state?.ClientSecret, ct);
        sample.ClientId = DemoClientId;
        sample.ClientSecret = secret;
        var user = await directory.FindUserByUsernameAsync(DemoUsername, ct)
            ?? throw new InvalidOperationException("The demo user disappeared while seeding.");
        var signIn = DemoSignInHint.Describe(await engine.PlanAsync(user, WorkflowKind.WebSso, ct), routes);
        state = new DemoState(DemoUsername, password, DemoClientId, secret, signIn);
        OwnerOnlyFile.Write(statePath, JsonSerializer.Serialize(state, Json));
        await File.WriteAllTextAsync(Path.Combine(folder, "public-url"), options.Value.PublicBase.ToString().TrimEnd('/'), ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// First run only (an administrator's later changes are never overwritten): the Web SSO workflow is live for everybody,
    /// and unenrolled users are prompted to set up a second factor at the login, with "Remind me later" allowed.
    /// </summary>
    private async Task EnableWebSsoMfaAsync(CancellationToken ct)
    {
        var current = await policies.GetWorkflowPolicyAsync(ct);
        await policies.SaveWorkflowPolicyAsync(current with
        {
            WebSso = current.WebSso with { UserPolicyIds = [UserPolicy.DefaultId] },
        }, ct);
        await policies.SaveEnrollmentRuleAsync(EnrollmentRule.Default with { Prompt = EnrollmentPrompt.AtLogin, MayDelay = true }, ct);
    }

    private async Task<string> EnsureDemoUserAsync(string? knownPassword, CancellationToken ct)
    {
        var existing = await directory.FindUserByUsernameAsync(DemoUsername, ct);
        if (existing is not null && knownPassword is not null)
            return knownPassword;
        var password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyz23456789", 16);
        if (existing is null)
        {
            var created = await users.CreateUserAsync(new UserFields
            {
                Username = DemoUsername,
                DisplayName = "Demo User",
                Email = "demo@example.org",
                OrganizationalUnit = "Demo",
            }, password, ct);
            if (!created.Succeeded)
                throw new InvalidOperationException("Demo user not created: " + created.Error);
        }
        else
        {
            // The password file was lost: set a new one so the printed credentials work.
            var reset = await users.SetPasswordAsync(existing.Id, password, ct);
            if (!reset.Succeeded)
                throw new InvalidOperationException("Demo user password not reset: " + reset.Error);
        }
        return password;
    }

    private async Task<string> EnsureDemoClientAsync(string? knownSecret, CancellationToken ct)
    {
        var issuer = options.Value.PublicBase;
        var redirect = new Uri(issuer, SampleSetup.Path[1..] + "/callback");
        var postLogout = new Uri(issuer, SampleSetup.Path[1..]);
        string secret;
        if (await clients.FindAsync(DemoClientId, ct) is null)
            secret = await clients.CreateAsync(DemoClientId, "Sample app", [redirect], [postLogout], ct);
        else
        {
            await clients.UpdateAsync(DemoClientId, "Sample app", [redirect], [postLogout], ct);
            secret = knownSecret ?? await clients.RegenerateSecretAsync(DemoClientId, ct);
        }
        if (await profiles.FindAsync(DemoClientId, ct) is null)
        {
            await profiles.SaveAsync(new AppProfile
            {
                ClientId = DemoClientId,
                Protocol = AppProtocols.OpenIdConnect,
                AdminName = "Demo sample app",
                DisplayName = "Sample app",
                Deployment = new AppDeployment { Deployed = true, AllUsersAndGroups = true },
                CreatedAt = time.GetUtcNow(),
            }, ct);
        }
        return secret;
    }

    /// <param name="SignIn">What the demo user's next Web SSO sign-in asks of them, in a sentence (see <see cref="DemoSignInHint"/>).</param>
    private sealed record DemoState(string Username, string Password, string ClientId, string ClientSecret, string? SignIn = null);
}
