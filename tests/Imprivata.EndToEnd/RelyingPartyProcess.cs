using System.Diagnostics;

namespace Imprivata.EndToEnd;

/// <summary>An openid-client relying party (tests/Imprivata.EndToEnd/rp/relying-party.mjs) in its own node process.</summary>
public sealed class RelyingPartyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private RelyingPartyProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }
    public Uri Callback => new(BaseUri, "cb");
    public Uri SignedOut => new(BaseUri, "signed-out");
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    /// <summary>Picks a free port first, so the redirect URIs can be registered before the RP starts (it runs discovery at start).</summary>
    public static Uri ReserveBaseUri() => new($"http://127.0.0.1:{Ports.FreeTcp()}/");

    public static async Task<RelyingPartyProcess> StartAsync(Uri baseUri, string issuer, string clientId, string secret)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "Imprivata.EndToEnd", "rp", "relying-party.mjs");
        var psi = new ProcessStartInfo("node")
        {
            ArgumentList = { script, issuer, clientId, secret, baseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var rp = new RelyingPartyProcess(process, baseUri);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (rp._output) rp._output.Add(e.Data);
            if (e.Data.StartsWith("listening", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (rp._output) rp._output.Add(e.Data); };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("relying party exited: " + rp.Output));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return rp;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
