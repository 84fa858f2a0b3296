namespace Imprivata.Functions.Sample;

public static class SampleSetup
{
    public static void AddSample(this WebApplicationBuilder builder)
    {
    }

    public static void MapSample(this WebApplication app)
    {
    }
}
