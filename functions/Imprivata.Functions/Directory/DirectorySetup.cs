namespace Imprivata.Functions.Directory;

public static class DirectorySetup
{
    public static void AddDirectory(this WebApplicationBuilder builder)
    {
    }
}
