namespace Imprivata.Functions.Login;

public static class LoginSetup
{
    public static void AddLogin(this WebApplicationBuilder builder)
    {
    }

    public static void MapLogin(this WebApplication app)
    {
    }
}
