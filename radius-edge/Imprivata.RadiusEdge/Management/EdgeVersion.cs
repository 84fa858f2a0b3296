using System.Reflection;

namespace Imprivata.RadiusEdge.Management;

/// <summary>The edge's version as reported to the console: the assembly's informational version without build metadata.</summary>
public static class EdgeVersion
{
    public static string Current { get; } = Read();

    private static string Read()
    {
        var version = typeof(EdgeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+');
        return plus < 0 ? version : version[..plus];
    }
}
