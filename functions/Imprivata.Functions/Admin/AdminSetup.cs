namespace Imprivata.Functions.Admin;

public static class AdminSetup
{
    public static void AddAdmin(this WebApplicationBuilder builder)
    {
    }

    public static void MapAdmin(this WebApplication app)
    {
    }
}
