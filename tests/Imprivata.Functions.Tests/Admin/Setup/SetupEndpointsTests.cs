using System.Net;
using Azure.Core;
using Imprivata.Core.Audit;
using Imprivata.Core.Setup;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Setup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Functions.Tests.Admin.Setup;

/// <summary>/console/setup over HTTP, with the secret in the fake Key Vault the way the template puts it there.</summary>
public sealed class SetupEndpointsTests : IAsyncLifetime
{
    private const string Secret = "4b1f0c2e9d7a4e5f8c3b2a1d0e9f8a7b";
    private const string NewPassword = "the first admin's passphrase";
    private readonly FakeKeyVault _vault = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TestService _svc = null!;

    public async Task InitializeAsync() => _svc = await TestService.StartAsync(
        new Dictionary<string, string?> { [FirstAdministratorSetup.SecretUriSetting] = _vault.SecretUri(FakeKeyVault.SetupSecretName).ToString() },
        builder =>
        {
            builder.Services.AddSingleton<TokenCredential>(_vault.Credential);
            builder.Services.AddSingleton(FakeKeyVault.SecretOptions());
            builder.Services.AddSingleton<TimeProvider>(_clock);
        });

    public async Task DisposeAsync()
    {
        await _svc.DisposeAsync();
        _vault.Dispose();
    }

    [Fact]
    public async Task AWrongSecret_IsRefused_Audited_AndCreatesNobody()
    {
        _vault.SetSecret(FakeKeyVault.SetupSecretName, Secret, _clock.GetUtcNow().AddDays(7));

        using var response = await PostAsync("not-the-secret", "first.admin");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The setup secret is not right", await response.Content.ReadAsStringAsync());
        Assert.Null(await FindAsync("first.admin"));
        Assert.Contains(await AuditAsync(), e => e is { Kind: AuditKinds.AdminSetup, Result: AuditResults.Failure, Reason: AuditReasons.BadCredentials,
            Username: "first.admin", Ip: "127.0.0.1" });
    }

    [Fact]
    public async Task AnExpiredSecret_IsRefused_ThoughTheVaultStillHandsItOut()
    {
        _vault.SetSecret(FakeKeyVault.SetupSecretName, Secret, _clock.GetUtcNow().AddMinutes(-1));

        using var response = await PostAsync(Secret, "first.admin");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("has expired", await response.Content.ReadAsStringAsync());
        Assert.Null(await FindAsync("first.admin"));
        Assert.Contains(await AuditAsync(), e => e is { Kind: AuditKinds.AdminSetup, Reason: AuditReasons.Expired });
    }

    [Fact]
    public async Task TheSecret_CreatesOneSuperadmin_WhoCanSignIn_ThenThePageIsClosed()
    {
        _vault.SetSecret(FakeKeyVault.SetupSecretName, Secret, _clock.GetUtcNow().AddDays(7));
        using var http = NewClient();
        Assert.Contains("Create the first administrator", await http.GetStringAsync(SetupEndpoints.Path));

        // A typo in a field is refused without using the secret up.
        using var mismatch = await PostAsync(Secret, "first.admin", confirm: "something else entirely");
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("The two passwords differ", await mismatch.Content.ReadAsStringAsync());

        using var created = await PostAsync(" " + Secret + "\n", "first.admin");
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var done = await created.Content.ReadAsStringAsync();
        Assert.Contains("was created", done);
        Assert.Contains("set up an authenticator app", done);
        var admin = await FindAsync("first.admin");
        Assert.Equal((AdminRole.Superadmin, true), (admin!.AdminRole, admin.Enabled));
        using var console = new AdminClient(_svc.BaseUri);
        // The first sign-in sets up the administrator's authenticator app (the code is computed at the service's clock).
        using var password = await console.PostPasswordAsync("first.admin", NewPassword);
        Assert.Equal(ConsoleSecondFactor.Path, password.Headers.Location?.OriginalString);
        var enroll = await console.Http.GetStringAsync(ConsoleSecondFactor.Path);
        var key = ConsoleSecondFactor.ManualKeyOf(enroll) ?? throw new InvalidOperationException("no enrollment shown");
        using var signIn = await console.PostCodeAsync(AdminClient.CsrfFrom(enroll), ConsoleSecondFactor.CurrentCode(key, _clock.GetUtcNow()));
        Assert.Equal("/console/users", signIn.Headers.Location?.OriginalString);

        using var page = await http.GetAsync(SetupEndpoints.Path);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("Setup is complete", await page.Content.ReadAsStringAsync());
        using var again = await PostAsync(Secret, "second.admin");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Null(await FindAsync("second.admin"));

        var audit = await AuditAsync();
        Assert.Contains(audit, e => e is { Kind: AuditKinds.AdminSetup, Result: AuditResults.Success, Username: "first.admin" } && e.UserId == admin.Id);
        Assert.Contains(audit, e => e is { Kind: AuditKinds.AdminSetup, Reason: AuditReasons.InvalidRequest, Detail: "password_mismatch" });
        Assert.Contains(audit, e => e is { Kind: AuditKinds.AdminSetup, Reason: AuditReasons.SetupClosed, Username: "second.admin" });
        Assert.DoesNotContain(audit, e => (e.Detail ?? "").Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepeatedWrongSecrets_FromOneAddress_MakeItWait_EvenWithTheRightOne()
    {
        _vault.SetSecret(FakeKeyVault.SetupSecretName, Secret, _clock.GetUtcNow().AddDays(7));
        for (var i = 0; i < FirstAdministrator.PerAddress.FreeFailures; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("guess-" + i, "first.admin")).StatusCode);

        using var held = await PostAsync(Secret, "first.admin");

        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.NotNull(held.Headers.RetryAfter);
        Assert.Null(await FindAsync("first.admin"));
        Assert.Contains(await AuditAsync(), e => e is { Kind: AuditKinds.AdminSetup, Reason: AuditReasons.Throttled });
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Secret, "first.admin")).StatusCode);
    }

    [Fact]
    public async Task ADisabledSecret_IsUnavailable_AndAudited()
    {
        _vault.SetSecret(FakeKeyVault.SetupSecretName, Secret, enabled: false);

        using var response = await PostAsync(Secret, "first.admin");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains(await AuditAsync(), e => e is { Kind: AuditKinds.AdminSetup, Reason: AuditReasons.Unavailable });
    }

    private HttpClient NewClient() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = _svc.BaseUri };

    /// <summary>The setup form as a browser submits it, from a fresh page (its CSRF cookie and field).</summary>
    private Task<HttpResponseMessage> PostAsync(string secret, string username, string? confirm = null) =>
        PostSetupAsync(NewClient(), secret, username, NewPassword, confirm ?? NewPassword);

    internal static async Task<HttpResponseMessage> PostSetupAsync(HttpClient http, string secret, string username, string password, string confirm)
    {
        var page = await http.GetAsync(SetupEndpoints.Path);
        var csrf = AdminClient.CsrfFrom(await page.Content.ReadAsStringAsync());
        return await http.PostAsync(SetupEndpoints.Path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = csrf, ["secret"] = secret, ["username"] = username, ["displayName"] = "First Admin",
            ["password"] = password, ["confirmPassword"] = confirm,
        }));
    }

    private Task<DirectoryUser?> FindAsync(string username) =>
        _svc.Services.GetRequiredService<IDirectoryStore>().FindUserByUsernameAsync(username, CancellationToken.None);

    private async Task<List<AuditEvent>> AuditAsync()
    {
        var events = new List<AuditEvent>();
        var now = _clock.GetUtcNow();
        await foreach (var e in _svc.Services.GetRequiredService<IAuditLog>().QueryAsync(now.AddHours(-1), now.AddHours(1), CancellationToken.None))
            events.Add(e);
        return events;
    }
}
