using Imprivata.RadiusEdge;
using Imprivata.RadiusEdge.Clients;

// generate-secret: prints a new RADIUS shared secret (32 characters) for a client entry.
if (args is ["generate-secret", ..])
{
    Console.WriteLine(NasSecret.Generate());
    return 0;
}

// connect: trades a one-time integration token from the console for this edge's credential (CredentialFile).
if (args is ["connect", ..])
    return await Imprivata.RadiusEdge.Management.ConnectCommand.RunAsync(args[1..], Console.Out, Console.Error);

// health: probes the loopback health endpoint (for a container HEALTHCHECK); exit 0 when healthy.
if (args is ["health", ..])
{
    var port = Environment.GetEnvironmentVariable("RadiusEdge__HealthPort") ?? "18120";
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
    try
    {
        var response = await http.GetAsync($"http://127.0.0.1:{port}/health");
        return response.IsSuccessStatusCode ? 0 : 1;
    }
    catch (HttpRequestException)
    {
        return 1;
    }
}

await EdgeApp.Build(args).RunAsync();
return 0;
