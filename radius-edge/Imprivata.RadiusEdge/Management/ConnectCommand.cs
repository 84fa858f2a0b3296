using Microsoft.Extensions.Configuration;

namespace Imprivata.RadiusEdge.Management;

/// <summary>
/// <c>radius-edge connect &lt;token&gt; [--name &lt;display name&gt;]</c>: trades a one-time integration token for this
/// edge's credential and writes the <c>CredentialFile</c>. Exit codes: 0 connected, 1 refused or unreachable, 2 bad usage or token.
/// </summary>
public static class ConnectCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? handler = null)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            await error.WriteLineAsync("usage: radius-edge connect <token> [--name <display name>] [--RadiusEdge:EdgeId=<id>]");
            return 2;
        }
        var rest = args[1..].ToList();
        var name = TakeOption(rest, "--name");
        if (!EdgeToken.TryParse(args[0], out var token, out var problem))
        {
            await error.WriteLineAsync($"connect: invalid token: {problem}.");
            return 2;
        }
        // The same settings the service reads: appsettings.json, RadiusEdge__* environment, --RadiusEdge:...=... arguments.
        var configuration = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(rest.ToArray())
            .Build();
        var options = configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>() ?? new EdgeOptions();
        var path = Path.GetFullPath(options.CredentialFile);

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(30);
        var result = await new ManagementClient(http).ConnectAsync(token!.Url,
            new ConnectRequest(args[0].Trim(), options.EdgeId, name, EdgeVersion.Current), CancellationToken.None);
        if (!result.IsSuccess)
        {
            await error.WriteLineAsync(result.Error switch
            {
                ManagementContract.InvalidToken => "connect: the backend refused the token: it is wrong, already used or expired. Issue a new one in the console.",
                "unreachable" => $"connect: cannot reach {token.Url}: {result.Reason}",
                _ => $"connect: the backend refused: {result.Describe()}",
            });
            return 1;
        }
        var answer = result.Value!;
        if (string.IsNullOrEmpty(answer.Credential))
        {
            await error.WriteLineAsync("connect: the backend's answer has no credential.");
            return 1;
        }
        new EdgeCredential(token.Url.ToString(), answer.IntegrationId, answer.EdgeId, answer.Credential).Write(path);
        await output.WriteLineAsync($"Connected: edge '{answer.EdgeId}' to {token.Url} (integration {answer.IntegrationId}). " +
                                    $"Credential written to {path}. A running edge picks it up within a minute; otherwise start it.");
        return 0;
    }

    private static string? TakeOption(List<string> args, string option)
    {
        var at = args.IndexOf(option);
        if (at < 0 || at + 1 >= args.Count)
            return null;
        var value = args[at + 1];
        args.RemoveRange(at, 2);
        return value;
    }
}
