using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Imprivata.Testing.Radius;

/// <summary>
/// Debian's FreeRADIUS 3 in the foreground (<c>freeradius -f</c>, threaded, not -X) with a private copy of the packaged
/// configuration under a temp folder: one auth listener on 127.0.0.1 and a free port, one client (127.0.0.1,
/// require_message_authenticator = yes, like the edge's default), a users file with the given PAP users (cleartext
/// passwords), and cleanup_delay = 30 s so that it resends cached replies to retransmissions for the whole measurement
/// (its default is 5 s). Stopped on dispose (SIGTERM, then SIGKILL after 5 s) and its folder removed. The benchmarks
/// compare the RADIUS edge (radius-edge/bench.sh) and the edge with the real backend (./bench.sh --radius) with it.
/// </summary>
public sealed partial class FreeRadiusServer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/freeradius";
    private const string PackagedConfig = "/etc/freeradius/3.0";
    private readonly Process _process;
    private readonly string _folder;

    private FreeRadiusServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }
    /// <summary>The freeradius process, for CPU readings and for a watchdog that must stop it.</summary>
    public Process Process => _process;
    public static bool Installed => File.Exists(Binary) && Directory.Exists(PackagedConfig);

    public static Task<FreeRadiusServer> StartAsync(string secret, string user, string password) => StartAsync(secret, [(user, password)]);

    public static async Task<FreeRadiusServer> StartAsync(string secret, IReadOnlyCollection<(string User, string Password)> users)
    {
        var folder = Directory.CreateTempSubdirectory("freeradius-bench-").FullName;
        var raddb = Path.Combine(folder, "raddb");
        Run("cp", "-a", PackagedConfig + "/.", raddb);
        Directory.CreateDirectory(Path.Combine(folder, "log"));
        Directory.CreateDirectory(Path.Combine(folder, "run"));
        var port = Ports.FreeUdp();

        var conf = Path.Combine(raddb, "radiusd.conf");
        var text = await File.ReadAllTextAsync(conf);
        text = Setting("logdir").Replace(text, "logdir = " + Path.Combine(folder, "log"));
        text = Setting("run_dir").Replace(text, "run_dir = " + Path.Combine(folder, "run"));
        text = Setting("cleanup_delay").Replace(text, "cleanup_delay = 30");
        // Run as the invoking user: the private copy is not readable by 'freerad'.
        text = RunAs().Replace(text, "$1#$2");
        await File.WriteAllTextAsync(conf, text);

        // One virtual server of our own; the packaged ones (and EAP, which needs inner-tunnel) are left out.
        foreach (var site in Directory.GetFileSystemEntries(Path.Combine(raddb, "sites-enabled")))
            File.Delete(site);
        File.Delete(Path.Combine(raddb, "mods-enabled", "eap"));
        await File.WriteAllTextAsync(Path.Combine(raddb, "sites-enabled", "bench"), $$"""
            server default {
                listen {
                    type = auth
                    ipaddr = 127.0.0.1
                    port = {{port}}
                }
                authorize {
                    files
                    pap
                }
                authenticate {
                    Auth-Type PAP {
                        pap
                    }
                }
                post-auth {
                }
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(raddb, "clients.conf"), $$"""
            client bench {
                ipaddr = 127.0.0.1
                secret = {{secret}}
                require_message_authenticator = yes
            }
            """);
        var usersFile = Path.Combine(raddb, "mods-config", "files", "authorize");
        File.Delete(usersFile);
        await File.WriteAllLinesAsync(usersFile, users.Select(u => $"{u.User}\tCleartext-Password := \"{u.Password}\"\n\tReply-Message := \"ok\""));

        var psi = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "-f", "-d", raddb, "-l", Path.Combine(folder, "log", "radius.log") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("freeradius did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new FreeRadiusServer(process, folder, port);
        try
        {
            await server.WaitReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private async Task WaitReadyAsync()
    {
        var log = Path.Combine(_folder, "log", "radius.log");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException("freeradius exited: " + (File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no log)"));
            if (File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains("Ready to process requests", StringComparison.Ordinal))
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException("freeradius did not become ready in 20 s.");
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} failed with {p.ExitCode}");
    }

    private static Regex Setting(string name) => new($@"^{name}\s*=.*$", RegexOptions.Multiline);

    [GeneratedRegex(@"^(\s*)((?:user|group)\s*=\s*freerad)", RegexOptions.Multiline)]
    private static partial Regex RunAs();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Run("kill", "-TERM", _process.Id.ToString());
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
