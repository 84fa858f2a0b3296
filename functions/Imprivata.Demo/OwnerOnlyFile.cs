namespace Imprivata.Demo;

/// <summary>
/// The demo's files that hold credentials or private keys: readable and writable by their owner only (0600 on Unix), also
/// when an earlier run left a wider one behind (the new content goes to a fresh file that replaces the old).
/// </summary>
public static class OwnerOnlyFile
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, string content)
    {
        var fresh = path + ".new";
        File.Delete(fresh);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = Mode;
        using (var stream = new FileStream(fresh, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(content);
        File.Move(fresh, path, overwrite: true);
    }
}
