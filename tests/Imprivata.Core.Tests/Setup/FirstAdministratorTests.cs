using System.Diagnostics.Metrics;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Passwords;
using Imprivata.Core.Setup;
using Imprivata.Core.Telemetry;
using Imprivata.Core.UserDirectory;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Imprivata.Core.Tests.Setup;

/// <summary>The decisions of the first-administrator setup behind our own seams (the page's HTTP tests use the real stores).</summary>
public sealed class FirstAdministratorTests
{
    private const string Secret = "the-setup-secret";
    private readonly Mock<IDirectoryStore> _directory = new();
    private readonly Mock<ISetupClaims> _claims = new();
    private readonly Mock<IThrottleStore> _attempts = new();
    private readonly InMemoryAuditLog _audit = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly List<DirectoryUser> _users = [];

    public FirstAdministratorTests()
    {
        _directory.Setup(d => d.ListUsersAsync(It.IsAny<CancellationToken>())).Returns(() => _users.ToAsyncEnumerable());
        _attempts.Setup(a => a.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(new ThrottleState(0, null));
        _attempts.Setup(a => a.TrySaveAsync(It.IsAny<string>(), It.IsAny<ThrottleState>(), It.IsAny<CancellationToken>())).ReturnsAsync("v1");
        _claims.Setup(c => c.TryClaimAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
    }

    private FirstAdministrator Setup(ISetupSecretSource? source = null) => new(_directory.Object,
        new DirectoryService(_directory.Object, new PasswordHasher(), _time), source ?? new ConfiguredSetupSecret(Secret), _claims.Object,
        _attempts.Object, _audit, _time, new SecurityMetrics(new Meter(SecurityMetrics.MeterName)));

    private static SetupRequest Request(string secret = Secret) =>
        new(secret, "first.admin", null, "a long enough password", "a long enough password");

    [Fact]
    public async Task OnceASuperadminIsSeen_TheDirectoryIsNotReadAgain()
    {
        _users.Add(new DirectoryUser { Id = "u1", Username = "root", AdminRole = AdminRole.Superadmin });
        var setup = Setup();

        Assert.Equal(SetupState.Closed, await setup.StateAsync(CancellationToken.None));
        Assert.Equal(SetupState.Closed, await setup.StateAsync(CancellationToken.None));

        _directory.Verify(d => d.ListUsersAsync(It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ADisabledSuperadmin_LeavesSetupOpen()
    {
        _users.Add(new DirectoryUser { Id = "u1", Username = "root", AdminRole = AdminRole.Superadmin, Enabled = false });

        Assert.Equal(SetupState.Open, await Setup().StateAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AUsernameTakenMeanwhile_GivesTheClaimBack()
    {
        _directory.Setup(d => d.CreateUserAsync(It.IsAny<DirectoryUser>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        var outcome = await Setup().CreateAsync(Request(), "10.0.0.1", "req-1", CancellationToken.None);

        Assert.Equal((AuditReasons.InvalidRequest, DirectoryErrors.UsernameTaken), (outcome.Reason, outcome.Problem));
        _claims.Verify(c => c.ReleaseAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AClaimLostToAConcurrentPost_CreatesNobody()
    {
        _claims.Setup(c => c.TryClaimAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        var outcome = await Setup().CreateAsync(Request(), "10.0.0.1", "req-1", CancellationToken.None);

        Assert.Equal(AuditReasons.SetupClosed, outcome.Reason);
        _directory.Verify(d => d.CreateUserAsync(It.IsAny<DirectoryUser>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("")]
    [InlineData("the-setup-secre")]
    [InlineData("the-setup-secret-and-more")]
    [InlineData("THE-SETUP-SECRET")]
    public async Task AnythingButTheSecret_IsAWrongGuess_CountedForTheAddress(string guess)
    {
        var outcome = await Setup().CreateAsync(Request(guess), "10.0.0.1", "req-1", CancellationToken.None);

        Assert.Equal(AuditReasons.BadCredentials, outcome.Reason);
        _attempts.Verify(a => a.TrySaveAsync("address:10.0.0.1", It.Is<ThrottleState>(s => s.ConsecutiveFailures == 1), It.IsAny<CancellationToken>()));
        var audited = Assert.Single(_audit.Events);
        Assert.Equal((AuditKinds.AdminSetup, AuditResults.Failure, "10.0.0.1"), (audited.Kind, audited.Result, audited.Ip));
    }
}
