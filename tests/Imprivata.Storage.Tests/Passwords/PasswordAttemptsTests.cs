using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Passwords;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Passwords;

/// <summary>Wrong passwords slow an account down (NIST SP 800-63B 5.2.2), never lock it for good, and are counted in Azure Tables.</summary>
public sealed class PasswordAttemptsTests
{
    private const string Password = "correct horse battery staple";
    private static readonly PasswordHasher Hasher = new();
    private static readonly string Hash = Hasher.Hash(Password);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly TableSet _tables = new(Azurite.NewTables());
    private readonly TableThrottleStore _passwordCounters;
    private readonly PasswordAttempts _attempts;
    private readonly DirectoryUser _user = new() { Id = "u-" + Guid.NewGuid().ToString("N"), Username = "ada", PasswordHash = Hash };

    public PasswordAttemptsTests()
    {
        _passwordCounters = new TableThrottleStore(_tables, TableThrottleStore.Passwords);
        _attempts = new PasswordAttempts(Hasher, new AccountThrottle(_passwordCounters, _time, ThrottleRules.Password), new TableCodeHasher(new SecretKeys(_tables)));
    }

    private Task<string> TryAsync(string password) => _attempts.VerifyAsync(_user.Username, _user, password, CancellationToken.None);

    private async Task<int> FailuresAsync() => (await _passwordCounters.GetAsync(_user.Id, CancellationToken.None)).ConsecutiveFailures;

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(10, 32)]
    [InlineData(15, 900)] // 1024 s capped at 15 minutes
    [InlineData(99, 900)]
    [InlineData(100, 3600)] // the hard cap: an hour between attempts, still not for good
    public void Password_waits_double_after_five_free_failures(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ThrottleRules.Password.DelayAfter(failures));

    [Fact]
    public async Task An_unknown_username_costs_the_storage_calls_of_a_wrong_password_and_is_counted_under_a_keyed_name()
    {
        var calls = new RecordedThrottleStore(_passwordCounters);
        var attempts = new PasswordAttempts(Hasher, new AccountThrottle(calls, _time, ThrottleRules.Password), new TableCodeHasher(new SecretKeys(_tables)));
        var ct = CancellationToken.None;
        await attempts.UnknownUsernameCounterAsync("warm-up", ct); // the HMAC key is read once per process

        Assert.Equal(AuditReasons.BadCredentials, await attempts.VerifyAsync("ada", _user, "wrong", ct));
        var wrongPassword = calls.Take();
        Assert.Equal(AuditReasons.UnknownUser, await attempts.VerifyAsync("nobody", null, "wrong", ct));
        var unknownUser = calls.Take();

        Assert.Equal(["get", "save"], wrongPassword);
        Assert.Equal(wrongPassword, unknownUser);
        var counter = await attempts.UnknownUsernameCounterAsync("nobody", ct);
        Assert.StartsWith(PasswordAttempts.UnknownUsernamePrefix, counter);
        Assert.DoesNotContain("nobody", counter, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(counter, await attempts.UnknownUsernameCounterAsync("  NoBody ", ct));
        Assert.Equal(1, (await _passwordCounters.GetAsync(counter, ct)).ConsecutiveFailures);

        // Throttled alike: after the free failures the unknown name waits too, and a wait is not counted (no write) either way.
        for (var i = 0; i < 5; i++)
            await attempts.VerifyAsync("nobody", null, "wrong", ct);
        for (var i = 0; i < 5; i++)
            await attempts.VerifyAsync("ada", _user, "wrong", ct);
        calls.Take();
        Assert.Equal(AuditReasons.Throttled, await attempts.VerifyAsync("ada", _user, "wrong", ct));
        var waitingUser = calls.Take();
        Assert.Equal(AuditReasons.UnknownUser, await attempts.VerifyAsync("nobody", null, "wrong", ct));
        Assert.Equal(["get"], waitingUser);
        Assert.Equal(waitingUser, calls.Take());
    }

    [Fact]
    public async Task Counters_of_unknown_usernames_idle_for_a_day_are_purged_a_users_counter_stays()
    {
        var ct = CancellationToken.None;
        await _attempts.VerifyAsync("nobody", null, "wrong", ct);
        await TryAsync("wrong");
        var counter = await _attempts.UnknownUsernameCounterAsync("nobody", ct);
        _time.Advance(TimeSpan.FromHours(23));
        await _attempts.VerifyAsync("someone-else", null, "wrong", ct);

        Assert.Equal(0, await _passwordCounters.PurgeIdleAsync(PasswordAttempts.UnknownUsernamePrefix, _time.GetUtcNow() - TimeSpan.FromDays(1), ct));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await _passwordCounters.PurgeIdleAsync(PasswordAttempts.UnknownUsernamePrefix, _time.GetUtcNow() - TimeSpan.FromDays(1), ct));

        Assert.Equal(0, (await _passwordCounters.GetAsync(counter, ct)).ConsecutiveFailures);
        Assert.Equal(1, (await _passwordCounters.GetAsync(await _attempts.UnknownUsernameCounterAsync("someone-else", ct), ct)).ConsecutiveFailures);
        Assert.Equal(1, await FailuresAsync());
    }

    /// <summary>The real store, with the kinds of calls made on it written down in order.</summary>
    private sealed class RecordedThrottleStore(IThrottleStore inner) : IThrottleStore
    {
        private readonly List<string> _calls = [];

        public List<string> Take()
        {
            lock (_calls)
            {
                var taken = _calls.ToList();
                _calls.Clear();
                return taken;
            }
        }

        public Task<ThrottleState> GetAsync(string userId, CancellationToken ct)
        {
            lock (_calls)
                _calls.Add("get");
            return inner.GetAsync(userId, ct);
        }

        public Task<string?> TrySaveAsync(string userId, ThrottleState state, CancellationToken ct)
        {
            lock (_calls)
                _calls.Add("save");
            return inner.TrySaveAsync(userId, state, ct);
        }
    }

    [Fact]
    public async Task The_right_password_costs_one_read_and_one_write_that_also_clears_earlier_failures()
    {
        var calls = new RecordedThrottleStore(_passwordCounters);
        var attempts = new PasswordAttempts(Hasher, new AccountThrottle(calls, _time, ThrottleRules.Password), new TableCodeHasher(new SecretKeys(_tables)));
        var ct = CancellationToken.None;
        Assert.Equal(AuditReasons.BadCredentials, await attempts.VerifyAsync(_user.Username, _user, "wrong", ct));
        calls.Take();

        Assert.Equal(AuditReasons.Ok, await attempts.VerifyAsync(_user.Username, _user, Password, ct));

        // One conditional write counts the attempt and clears the count; a reservation then a clearing write took two.
        Assert.Equal(["get", "save"], calls.Take());
        Assert.Equal(0, await FailuresAsync());
    }

    [Fact]
    public async Task Five_wrong_passwords_are_free_then_even_the_right_one_waits_until_the_delay_is_over()
    {
        for (var i = 0; i < 5; i++)
            Assert.Equal(AuditReasons.BadCredentials, await TryAsync("wrong " + i));
        Assert.Equal(5, await FailuresAsync());

        Assert.Equal(AuditReasons.Throttled, await TryAsync(Password));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AuditReasons.Ok, await TryAsync(Password));
        Assert.Equal(0, await FailuresAsync());
    }

    [Fact]
    public async Task Forgetting_the_failures_ends_the_wait_at_once_and_says_whether_there_were_any()
    {
        Assert.False(await _attempts.ForgetFailuresAsync(_user.Id, CancellationToken.None));
        for (var i = 0; i < 12; i++)
            await TryAsync("wrong " + i);
        Assert.Equal(AuditReasons.Throttled, await TryAsync(Password));

        Assert.True(await _attempts.ForgetFailuresAsync(_user.Id, CancellationToken.None));
        Assert.Equal(0, await FailuresAsync());
        Assert.Equal(AuditReasons.Ok, await TryAsync(Password));
    }

    [Fact]
    public async Task Attempts_during_the_wait_are_not_counted_so_the_wait_cannot_be_stretched()
    {
        for (var i = 0; i < 5; i++)
            await TryAsync("wrong " + i);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AuditReasons.BadCredentials, await TryAsync("wrong again"));
        Assert.Equal(6, await FailuresAsync()); // now a 2 s wait

        for (var i = 0; i < 10; i++)
            Assert.Equal(AuditReasons.Throttled, await TryAsync("guess " + i));
        Assert.Equal(6, await FailuresAsync());

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(AuditReasons.BadCredentials, await TryAsync("one more guess"));
        Assert.Equal(7, await FailuresAsync());
    }

    [Fact]
    public async Task A_success_leaves_no_failure_counted()
    {
        Assert.Equal(AuditReasons.Ok, await TryAsync(Password));
        Assert.Equal(0, await FailuresAsync());
    }

    [Fact]
    public async Task Thirty_parallel_wrong_passwords_get_the_five_free_checks_and_then_one_per_wait()
    {
        var burst = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => TryAsync("guess " + i))));
        Assert.Equal(5, burst.Count(r => r == AuditReasons.BadCredentials));
        Assert.All(burst, r => Assert.Contains(r, new[] { AuditReasons.BadCredentials, AuditReasons.Throttled, AuditReasons.Contended }));
        Assert.Equal(5, await FailuresAsync());

        _time.Advance(TimeSpan.FromSeconds(1));
        burst = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => TryAsync("guess again " + i))));
        Assert.Equal(1, burst.Count(r => r == AuditReasons.BadCredentials));
        Assert.Equal(6, await FailuresAsync());
    }

    [Fact]
    public async Task An_attempt_that_keeps_losing_the_counters_write_is_refused_as_contended_not_thrown()
    {
        var attempts = new PasswordAttempts(Hasher, new AccountThrottle(new AlwaysOutrunStore(_passwordCounters), _time, ThrottleRules.Password),
            new TableCodeHasher(new SecretKeys(_tables)));
        Assert.Equal(AuditReasons.Contended, await attempts.VerifyAsync(_user.Username, _user, Password, CancellationToken.None));
        Assert.Equal(0, await FailuresAsync());
    }

    /// <summary>The real store, except that another writer always got there first.</summary>
    private sealed class AlwaysOutrunStore(IThrottleStore inner) : IThrottleStore
    {
        public Task<ThrottleState> GetAsync(string userId, CancellationToken ct) => inner.GetAsync(userId, ct);
        public Task<string?> TrySaveAsync(string userId, ThrottleState state, CancellationToken ct) => Task.FromResult<string?>(null);
    }

    [Fact]
    public async Task Password_failures_and_second_factor_failures_are_separate_counters()
    {
        await TryAsync("wrong");
        var secondFactor = new TableThrottleStore(_tables);
        Assert.Equal(0, (await secondFactor.GetAsync(_user.Id, CancellationToken.None)).ConsecutiveFailures);
        Assert.Equal(1, await FailuresAsync());
    }
}
