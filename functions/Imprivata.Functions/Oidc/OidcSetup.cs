namespace Imprivata.Functions.Oidc;

public static class OidcSetup
{
    public static void AddOidc(this WebApplicationBuilder builder)
    {
    }

    public static void MapOidc(this WebApplication app)
    {
    }
}
