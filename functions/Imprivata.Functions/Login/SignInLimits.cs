using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Login;

/// <summary>Settings "Imprivata:SignIn": failed password sign-ins allowed per window, per client address and overall.</summary>
public sealed class SignInLimitOptions
{
    public const string Section = "Imprivata:SignIn";

    /// <summary>Failed sign-ins from one address per window; generous, because a hospital's staff share one public address. 0 = no limit.</summary>
    public int FailuresPerAddress { get; set; } = 30;

    /// <summary>Failed sign-ins from all addresses together per window (spraying from many addresses). 0 = no limit.</summary>
    public int FailuresOverall { get; set; } = 600;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Password spraying defence (OWASP authentication cheat sheet; NIST SP 800-63B 5.2.2 applies the limit per account, which
/// one guess per username escapes): every password attempt at the app and console sign-ins takes one place in its
/// address's window and in the overall window before the password is checked, and gives it back when it succeeds, so only
/// failures fill a window and parallel attempts cannot overrun it. Windows are fixed and counted in this process (each
/// instance of a scaled-out app counts its own); a full window refuses with the same answer as a wrong password.
/// </summary>
public sealed class SignInLimits(IOptions<SignInLimitOptions> options, TimeProvider time)
{
    private readonly SignInLimitOptions _options = options.Value;
    private readonly Window _overall = new();
    private readonly ConcurrentDictionary<string, Window> _addresses = new();

    /// <summary>A place in the windows, or null when one of them is full (audited by the caller as rate limited).</summary>
    public Lease? TryReserve(IPAddress? address)
    {
        var window = time.GetUtcNow().UtcTicks / Math.Max(1, _options.Window.Ticks);
        var key = address?.IsIPv4MappedToIPv6 == true ? address.MapToIPv4().ToString() : address?.ToString() ?? "unknown";
        var own = _addresses.GetOrAdd(key, _ => new Window());
        lock (_overall)
        {
            if (_overall.Start != window)
                Forget(window);
            lock (own)
            {
                if (!_overall.HasRoom(window, _options.FailuresOverall) || !own.HasRoom(window, _options.FailuresPerAddress))
                    return null;
                _overall.Take(window);
                own.Take(window);
            }
        }
        return new Lease(this, own, window);
    }

    /// <summary>At a window's turn: the windows of addresses not seen in it are dropped, so the table stays small.</summary>
    private void Forget(long window)
    {
        foreach (var (key, entry) in _addresses)
            if (entry.Start >= 0 && entry.Start < window - 1)
                _addresses.TryRemove(new KeyValuePair<string, Window>(key, entry));
    }

    private void Release(Window own, long window)
    {
        lock (_overall)
        {
            _overall.Give(window);
            lock (own)
                own.Give(window);
        }
    }

    /// <summary>One attempt's place: <see cref="Succeeded"/> gives it back (only failures count).</summary>
    public sealed class Lease(SignInLimits limits, Window own, long window)
    {
        private int _released;

        public void Succeeded()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                limits.Release(own, window);
        }
    }

    /// <summary>A count within one fixed window; callers hold its lock.</summary>
    public sealed class Window
    {
        public long Start { get; private set; } = -1;
        private int _count;

        public bool HasRoom(long window, int limit) => limit <= 0 || (Start == window ? _count : 0) < limit;

        public void Take(long window)
        {
            if (Start != window)
                (Start, _count) = (window, 0);
            _count++;
        }

        public void Give(long window)
        {
            if (Start == window && _count > 0)
                _count--;
        }
    }
}
