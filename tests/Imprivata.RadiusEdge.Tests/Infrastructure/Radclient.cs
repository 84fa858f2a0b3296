using System.Diagnostics;

namespace Imprivata.RadiusEdge.Tests.Infrastructure;

/// <summary>
/// FreeRADIUS's radclient (Debian freeradius-utils), the reference RADIUS client. It verifies every reply it prints
/// as "Received ...": Response Authenticator and Message-Authenticator against the shared secret; a reply that does
/// not verify is discarded and counted as lost.
/// </summary>
public static class Radclient
{
    public const string Path = "/usr/bin/radclient";

    public sealed record Result(int ExitCode, string Output)
    {
        public bool Received(string code) => Output.Contains("Received " + code + " Id", StringComparison.Ordinal);
        public bool NoReply => Output.Contains("No reply from server", StringComparison.Ordinal);
    }

    /// <summary>Sends one Access-Request (attributes in radclient's text form, one per line) and waits for the outcome.</summary>
    public static async Task<Result> AuthAsync(int port, string secret, string attributes, double timeoutSeconds = 3, int retries = 1,
        string command = "auth")
    {
        var psi = new ProcessStartInfo(Path)
        {
            ArgumentList = { "-x", "-4", "-t", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-r", retries.ToString(System.Globalization.CultureInfo.InvariantCulture), $"127.0.0.1:{port}", command, secret },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("radclient did not start");
        await process.StandardInput.WriteAsync(attributes);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds * (retries + 1) + 20));
        await process.WaitForExitAsync(cts.Token);
        return new Result(process.ExitCode, await stdout + await stderr);
    }

    public static bool Available => File.Exists(Path);
}
