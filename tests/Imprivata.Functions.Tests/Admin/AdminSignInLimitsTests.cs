using System.Net;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>The console sign-in: the address's window of failures, and the break-glass account nobody can hold in a wait from elsewhere.</summary>
public sealed class AdminSignInLimitsTests : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await AdminHost.StartAsync(settings: new Dictionary<string, string?> { ["Imprivata:SignIn:FailuresPerAddress"] = "3" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Login_AddressWindowFull_EvenTheRightPasswordIsRefusedAndAuditedAsRateLimited()
    {
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        using var client = _host.NewClient();
        for (var i = 0; i < 3; i++)
            await client.PostLoginAsync("user-" + i, "spray");

        var refused = await client.PostLoginAsync("root", AdminHost.Password);

        Assert.Equal("/console/login?failed=true", refused.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Http.GetAsync("/console/api/session")).StatusCode);
        Assert.Contains(_host.Audit.Events, e => e.Kind == AuditKinds.AdminLogin && e.Reason == AuditReasons.RateLimited && e.Username == "root");
    }

    [Fact]
    public async Task CheckAsync_BreakGlassGuessedFromOneAddress_WaitsThereOnlyAndTheAccountStillOpensFromAnother()
    {
        var breakGlass = await _host.CreateUserAsync(AdminBootstrap.BreakGlassUsername, AdminRole.Superadmin);
        var signIn = _host.App.Services.GetRequiredService<AdminSignIn>();
        var attacker = IPAddress.Parse("10.9.9.9");
        for (var i = 0; i < 3; i++) // the address window (3) lets three guesses through
            Assert.Null(await signIn.CheckAsync(AdminBootstrap.BreakGlassUsername, "guess " + i, attacker, "t", default));

        Assert.NotNull(await signIn.CheckAsync(AdminBootstrap.BreakGlassUsername, AdminHost.Password, IPAddress.Parse("10.1.1.1"), "t", default));
        var counters = new TableThrottleStore(_host.App.Services.GetRequiredService<TableSet>(), TableThrottleStore.Passwords);
        Assert.Equal(3, (await counters.GetAsync(breakGlass.Id + "@" + attacker, default)).ConsecutiveFailures);
        Assert.Equal(0, (await counters.GetAsync(breakGlass.Id, default)).ConsecutiveFailures);
    }

    [Fact]
    public void CountedPerAddress_OnlyTheBreakGlassAccount()
    {
        Assert.Equal("10.0.0.1", AdminBootstrap.CountedPerAddress(new DirectoryUser { Id = "u1", Username = "BreakGlass" }, "10.0.0.1"));
        Assert.Null(AdminBootstrap.CountedPerAddress(new DirectoryUser { Id = "u2", Username = "root" }, "10.0.0.1"));
        Assert.Null(AdminBootstrap.CountedPerAddress(null, "10.0.0.1"));
    }
}
