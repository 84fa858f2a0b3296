using System.Net;
using Imprivata.Core.Audit;
using Imprivata.Functions.Login;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Functions.Tests.Login;

/// <summary>Failed sign-ins are limited per client address and overall, in fixed windows; successes give their place back.</summary>
public sealed class SignInLimitsTests
{
    private static readonly IPAddress First = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Second = IPAddress.Parse("10.0.0.2");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private SignInLimits Limits(int perAddress, int overall) =>
        new(Options.Create(new SignInLimitOptions { FailuresPerAddress = perAddress, FailuresOverall = overall }), _time);

    [Fact]
    public void TryReserve_AddressWindowFull_RefusedThereUntilTheNextWindowOtherAddressesNot()
    {
        var limits = Limits(perAddress: 3, overall: 0);
        for (var i = 0; i < 3; i++)
            Assert.NotNull(limits.TryReserve(First));
        Assert.Null(limits.TryReserve(First));
        Assert.Null(limits.TryReserve(IPAddress.Parse("10.0.0.1").MapToIPv6())); // the same client over a dual-stack socket
        Assert.NotNull(limits.TryReserve(Second));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(limits.TryReserve(First));
    }

    [Fact]
    public void TryReserve_SuccessesGiveTheirPlaceBack_OnlyFailuresFillTheWindow()
    {
        var limits = Limits(perAddress: 2, overall: 0);
        for (var i = 0; i < 10; i++)
        {
            var place = limits.TryReserve(First);
            Assert.NotNull(place);
            place.Succeeded();
            place.Succeeded(); // twice gives back once
        }
        Assert.NotNull(limits.TryReserve(First));
        Assert.NotNull(limits.TryReserve(First));
        Assert.Null(limits.TryReserve(First));
    }

    [Fact]
    public void TryReserve_OverallWindowFull_RefusesEveryAddress()
    {
        var limits = Limits(perAddress: 0, overall: 5);
        for (var i = 0; i < 5; i++)
            Assert.NotNull(limits.TryReserve(IPAddress.Parse("10.0.1." + i)));
        Assert.Null(limits.TryReserve(IPAddress.Parse("10.0.2.1")));
    }

    [Fact]
    public async Task TryReserve_ParallelAttempts_NeverMoreThanTheLimit()
    {
        var limits = Limits(perAddress: 7, overall: 0);
        var granted = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => limits.TryReserve(First) is not null)));
        Assert.Equal(7, granted.Count(g => g));
    }
}

/// <summary>The app sign-in refuses a spraying address once its window is full, with the answer of a wrong password.</summary>
public sealed class SignInLimitsServiceTests : IAsyncLifetime
{
    private TestService _service = null!;

    public async Task InitializeAsync() =>
        _service = await TestService.StartAsync(new Dictionary<string, string?> { ["Imprivata:SignIn:FailuresPerAddress"] = "5" });

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Login_SprayingManyUsernamesFromOneAddress_RefusedAfterTheWindowAndAudited()
    {
        var user = await _service.AddUserAsync("real-user", OidcFixture.Password);
        using var browser = new OidcFlow(_service);
        var csrf = OidcFlow.CsrfOf(await (await browser.GetAsync("/login")).Content.ReadAsStringAsync());
        Task<HttpResponseMessage> PostAsync(string username, string password) => browser.PostFormAsync("/login", new Dictionary<string, string>
        {
            ["csrf"] = csrf, ["returnUrl"] = "", ["username"] = username, ["password"] = password,
        });
        var sprayed = new List<string>();
        for (var i = 0; i < 12; i++)
            sprayed.Add(await (await PostAsync("sprayed-" + i, "Winter2026!")).Content.ReadAsStringAsync());
        var blocked = await PostAsync(user.Username, OidcFixture.Password);

        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        Assert.Null(browser.CookieValue("imp-sso"));
        var events = new List<AuditEvent>();
        await foreach (var e in _service.Services.GetRequiredService<IAuditLog>().QueryAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None))
            if (e.Kind == AuditKinds.LoginPassword)
                events.Add(e);
        Assert.Equal(5, events.Count(e => e.Reason == AuditReasons.UnknownUser));
        Assert.Equal(8, events.Count(e => e.Reason == AuditReasons.RateLimited));
        Assert.Contains(events, e => e.Reason == AuditReasons.RateLimited && e.Username == user.Username);
    }
}
