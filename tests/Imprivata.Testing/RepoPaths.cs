namespace Imprivata.Testing;

/// <summary>Finds the repository root (where the solution lives) from the binary's folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Imprivata.Serverless.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootLazy.Value;

    public static string NodeBin(string tool) => Path.Combine(Root, "node_modules", ".bin", tool);
}
