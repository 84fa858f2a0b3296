using Imprivata.Core.UserDirectory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// One real service per test class with two registered apps. Tests create their own users (<see cref="NewUserAsync"/>) so that
/// password changes, disabling and sessions never leak between tests.
/// </summary>
public class OidcFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    public const string ClientId = "web-app";
    public const string OtherClientId = "other-app";
    public static readonly Uri RedirectUri = new("https://app.example/cb");
    public static readonly Uri PostLogoutUri = new("https://app.example/signed-out");
    public static readonly Uri OtherRedirectUri = new("https://other.example/cb");
    public static readonly Uri OtherPostLogoutUri = new("https://other.example/bye");

    private int _users;

    public TestService Service { get; private set; } = null!;
    public string Secret { get; private set; } = "";
    public string OtherSecret { get; private set; } = "";
    public string Issuer => Service.Issuer;

    /// <summary>Set when the class uses a controllable clock (see <see cref="ClockedOidcFixture"/>).</summary>
    public FakeTimeProvider? Clock { get; protected set; }

    protected virtual Task<TestService> StartServiceAsync() => TestService.StartAsync();

    public async Task InitializeAsync()
    {
        Service = await StartServiceAsync();
        Secret = await Service.AddOidcAppAsync(ClientId, [RedirectUri], [PostLogoutUri]);
        OtherSecret = await Service.AddOidcAppAsync(OtherClientId, [OtherRedirectUri], [OtherPostLogoutUri]);
    }

    public async Task DisposeAsync() => await Service.DisposeAsync();

    public Task<DirectoryUser> NewUserAsync(bool licensedForSso = true) =>
        Service.AddUserAsync("user" + Interlocked.Increment(ref _users), Password, licensedForSso: licensedForSso);

    public DirectoryService Directory => Service.Services.GetRequiredService<DirectoryService>();

    public OidcFlow NewBrowser() => new(Service);

    public AuthorizeRequest NewRequest(string scope = "openid profile email offline_access") => OidcFlow.NewRequest(ClientId, RedirectUri, scope);

    public AuthorizeRequest NewOtherRequest() => OidcFlow.NewRequest(OtherClientId, OtherRedirectUri);
}

/// <summary>
/// The service runs on a fake clock that each test sets to the real time at half past a whole second (then moves on demand),
/// so same-second races become deterministic and tokens stay valid for the real-clock checks of JWT libraries.
/// </summary>
public sealed class ClockedOidcFixture : OidcFixture
{
    protected override Task<TestService> StartServiceAsync()
    {
        Clock = new FakeTimeProvider(HalfPastNow());
        return TestService.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Moves the clock to now (never backwards), at .500 of the current second.</summary>
    public void SyncToRealTime()
    {
        var target = HalfPastNow();
        if (target > Clock!.GetUtcNow())
            Clock.SetUtcNow(target);
    }

    private static DateTimeOffset HalfPastNow()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddMilliseconds(500);
    }
}
