using Imprivata.Functions.Access;
using Microsoft.Extensions.Time.Testing;
using static Imprivata.Functions.Tests.Access.AccessTestData;

namespace Imprivata.Functions.Tests.Access;

public sealed class FreshEnoughTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FreshEnough _step = new(new FakeTimeProvider(Now));

    [Fact]
    public async Task NoFreshnessAsked_OldSession_GoesOn() =>
        Assert.Null(await _step.CheckAsync(Attempt(authenticatedAt: Now.AddDays(-3)), default));

    [Fact]
    public async Task WithinMaxAge_GoesOn() =>
        Assert.Null(await _step.CheckAsync(Attempt(authenticatedAt: Now.AddSeconds(-60), freshness: new(TimeSpan.FromSeconds(60), false)), default));

    [Fact]
    public async Task OlderThanMaxAge_SignInAgain() =>
        Assert.IsType<AccessOutcome.SignInAgain>(
            await _step.CheckAsync(Attempt(authenticatedAt: Now.AddSeconds(-61), freshness: new(TimeSpan.FromSeconds(60), false)), default));

    [Fact]
    public async Task ReauthenticationAsked_EvenAFreshSession_SignInAgain() =>
        Assert.IsType<AccessOutcome.SignInAgain>(await _step.CheckAsync(Attempt(authenticatedAt: Now, freshness: new(null, true)), default));
}
