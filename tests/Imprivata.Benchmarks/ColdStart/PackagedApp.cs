using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace Imprivata.Benchmarks.ColdStart;

/// <summary>
/// A deployment zip (package.sh) unpacked the way the Functions host lays it out, started the way the host starts a custom
/// handler: host.json's defaultExecutablePath, arguments and workingDirectory, the port in FUNCTIONS_CUSTOMHANDLER_PORT.
/// </summary>
public sealed class PackagedApp : IDisposable
{
    private PackagedApp(string label, string root, string executable, string workingDirectory, IReadOnlyList<string> arguments)
    {
        Label = label;
        Root = root;
        Executable = executable;
        WorkingDirectory = workingDirectory;
        Arguments = arguments;
    }

    public string Label { get; }
    public string Root { get; }
    public string Executable { get; }
    public string WorkingDirectory { get; }
    public IReadOnlyList<string> Arguments { get; }

    public static PackagedApp Unpack(string label, string zipPath)
    {
        var root = Directory.CreateTempSubdirectory("imprivata-coldstart-").FullName;
        // .NET restores the Unix mode stored in each entry, as a Linux unzip of the package would.
        ZipFile.ExtractToDirectory(zipPath, root);
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "host.json")));
        var description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        var executable = Path.Combine(root, description.GetProperty("defaultExecutablePath").GetString()!);
        var workingDirectory = description.TryGetProperty("workingDirectory", out var wd) ? Path.Combine(root, wd.GetString()!) : root;
        var arguments = description.TryGetProperty("arguments", out var args)
            ? args.EnumerateArray().Select(a => a.GetString()!).ToList()
            : [];
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("The package is linux-x64.");
        if ((File.GetUnixFileMode(executable) & UnixFileMode.UserExecute) == 0)
            throw new InvalidOperationException($"{label}: {executable} lost its execute bit in the package.");
        return new PackagedApp(label, root, executable, workingDirectory, arguments);
    }

    public Process Start(int port, IReadOnlyDictionary<string, string> settings)
    {
        var psi = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in Arguments)
            psi.ArgumentList.Add(argument);
        psi.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in settings)
            psi.Environment[name] = value;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"{Label}: {Executable} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open by an exiting process: the temp folder is cleaned later
        }
    }
}
