using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Imprivata.Functions.Tests.Mfa.Codes;

/// <summary>
/// A real SMTP server: Debian's python3-aiosmtpd on a free loopback port, with a tiny handler that prints each received
/// message's envelope and raw DATA as one JSON line on stdout.
/// </summary>
internal sealed class SmtpPeer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private const string HandlerModule = """
        import base64, json, sys

        class Capture:
            async def handle_DATA(self, server, session, envelope):
                print(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                  "data": base64.b64encode(envelope.original_content or envelope.content).decode()}), flush=True)
                return "250 OK"
        """;

    private readonly Process _process;
    private readonly string _folder;
    private readonly BlockingCollection<Received> _received = new();

    private SmtpPeer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.StartsWith('{'))
                _received.Add(JsonSerializer.Deserialize<Received>(line)!);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public static async Task<SmtpPeer> StartAsync()
    {
        if (!File.Exists(Python) || Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true }) is not { } probe
            || !probe.WaitForExit(30_000) || probe.ExitCode != 0)
            throw new InvalidOperationException("python3-aiosmtpd is required for the SMTP tests: apt-get install -y python3-aiosmtpd (./test.sh does it).");
        var folder = Directory.CreateTempSubdirectory("smtp-peer").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "capture_handler.py"), HandlerModule);
        var port = Ports.FreeTcp();
        var start = new ProcessStartInfo(Python, ["-u", "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "capture_handler.Capture"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PYTHONPATH"] = folder;
        var process = Process.Start(start) ?? throw new InvalidOperationException("aiosmtpd did not start.");
        var peer = new SmtpPeer(process, folder, port);
        await Ports.WaitForTcpAsync(port, TimeSpan.FromSeconds(20), () => process.HasExited);
        return peer;
    }

    /// <summary>The next message the server accepted.</summary>
    public Received Next() =>
        _received.TryTake(out var message, TimeSpan.FromSeconds(30)) ? message : throw new TimeoutException("The SMTP server received no message.");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    internal sealed record Received(
        [property: System.Text.Json.Serialization.JsonPropertyName("from")] string From,
        [property: System.Text.Json.Serialization.JsonPropertyName("to")] string[] To,
        [property: System.Text.Json.Serialization.JsonPropertyName("data")] string Data);
}
