namespace Imprivata.Functions.Hosting;

/// <summary>
/// The same binary runs standalone (Kestrel on localhost:7071, loopback only, with an in-process pump for queue and timer work)
/// or as an Azure Functions custom handler (the host sets FUNCTIONS_CUSTOMHANDLER_PORT and invokes non-HTTP functions).
/// </summary>
public sealed record HostingMode(bool IsCustomHandler, int Port)
{
    public const int StandalonePort = 7071;
    public bool IsStandalone => !IsCustomHandler;

    public static HostingMode Detect(IConfiguration configuration)
    {
        var port = configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
        if (!string.IsNullOrEmpty(port))
        {
            if (!int.TryParse(port, out var p) || p is <= 0 or > 65535)
                throw new InvalidOperationException($"FUNCTIONS_CUSTOMHANDLER_PORT is not a port number: '{port}'.");
            return new HostingMode(true, p);
        }
        var configured = configuration.GetValue<int?>("Imprivata:Port");
        return new HostingMode(false, configured ?? StandalonePort);
    }
}
