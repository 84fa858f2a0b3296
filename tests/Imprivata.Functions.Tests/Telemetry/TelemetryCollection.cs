namespace Imprivata.Functions.Tests.Telemetry;

/// <summary>
/// OpenTelemetry listens to a meter by name across the whole process, so a test counting the app's measurements runs alone:
/// no other test's service signs anybody in meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
