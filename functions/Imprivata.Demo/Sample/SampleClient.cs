namespace Imprivata.Demo.Sample;

/// <summary>The demo relying party's registration (filled by the demo seed at start in standalone mode).</summary>
public sealed class SampleClient
{
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public bool IsConfigured => ClientId is not null && ClientSecret is not null;
}
