using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Imprivata.Testing.Radius;

/// <summary>
/// FreeRADIUS's radclient (Debian freeradius-utils; test.sh installs it), the reference RADIUS client and the gateway in
/// the edge's and the end-to-end tests. It prints a reply as "Received Access-... Id" only after verifying its Response
/// Authenticator and Message-Authenticator with the shared secret; a reply that does not verify is counted as lost.
/// </summary>
public static partial class Radclient
{
    public const string Path = "/usr/bin/radclient";

    public static bool Available => File.Exists(Path);

    public sealed partial record Result(int ExitCode, string Output)
    {
        public bool Received(string code) => Output.Contains("Received " + code + " Id", StringComparison.Ordinal);

        public bool NoReply => Output.Contains("No reply from server", StringComparison.Ordinal);

        /// <summary>The reply as radclient prints it: what follows "Received" (the request, State included, is printed before it).</summary>
        public string Reply => Output.IndexOf("Received ", StringComparison.Ordinal) is var at and >= 0 ? Output[at..] : "";

        /// <summary>The State of an Access-Challenge (0x + hex), to echo in the next request.</summary>
        public string State => StatePattern().Match(Reply) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No State in:\n" + Output);

        public string ReplyMessage => ReplyPattern().Match(Reply) is { Success: true } m ? m.Groups[1].Value : "";

        [GeneratedRegex(@"State = (0x[0-9a-f]+)")]
        private static partial Regex StatePattern();

        [GeneratedRegex("Reply-Message = \"([^\"]*)\"")]
        private static partial Regex ReplyPattern();
    }

    /// <summary>A PAP Access-Request with Message-Authenticator (the edge requires it), echoing <paramref name="state"/> when given.</summary>
    public static string Pap(string user, string password, string? state = null) =>
        $"User-Name = \"{user}\"\nUser-Password = \"{password}\"\nNAS-Identifier = \"vpn-e2e\"\nCalling-Station-Id = \"198.51.100.7\"\nMessage-Authenticator = 0x00\n"
        + (state is null ? "" : $"State = {state}\n");

    /// <summary>Sends one request (attributes in radclient's text form, one per line) to loopback, waiting <paramref name="timeoutSeconds"/> per try.</summary>
    public static async Task<Result> AuthAsync(int port, string secret, string attributes, double timeoutSeconds = 3, int retries = 1,
        string command = "auth")
    {
        var psi = new ProcessStartInfo(Path)
        {
            ArgumentList = { "-x", "-4", "-t", timeoutSeconds.ToString(CultureInfo.InvariantCulture), "-r", retries.ToString(CultureInfo.InvariantCulture),
                $"127.0.0.1:{port}", command, secret },
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
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds * (retries + 1) + 30));
        await process.WaitForExitAsync(cts.Token);
        return new Result(process.ExitCode, await stdout + await stderr);
    }
}
