namespace Imprivata.Functions.Keys;

public static class KeysSetup
{
    public static void AddKeyRing(this WebApplicationBuilder builder)
    {
    }
}
