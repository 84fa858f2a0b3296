using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Imprivata.EndToEnd.Radius;

/// <summary>
/// FreeRADIUS radclient (Debian freeradius-utils; test.sh installs it), the gateway in these tests. It prints a reply as
/// "Received Access-... Id" only after verifying its Response Authenticator and Message-Authenticator with the shared secret.
/// </summary>
public static partial class Radclient
{
    public const string Path = "/usr/bin/radclient";

    public sealed partial record Result(string Output)
    {
        public bool Received(string code) => Output.Contains("Received " + code + " Id", StringComparison.Ordinal);

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

    /// <summary>Sends one Access-Request to the edge on loopback, waiting <paramref name="timeoutSeconds"/> per try.</summary>
    public static async Task<Result> AuthAsync(int port, string secret, string attributes, double timeoutSeconds = 10, int retries = 1)
    {
        var psi = new ProcessStartInfo(Path)
        {
            ArgumentList = { "-x", "-4", "-t", timeoutSeconds.ToString(CultureInfo.InvariantCulture), "-r", retries.ToString(CultureInfo.InvariantCulture),
                $"127.0.0.1:{port}", "auth", secret },
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
        return new Result(await stdout + await stderr);
    }
}
