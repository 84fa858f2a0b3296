using Imprivata.Core.Eam;

namespace Imprivata.Functions.Eam;

/// <summary>Settings of Entra ID's external authentication method (section <c>Imprivata:Eam</c>).</summary>
public sealed class EamOptions
{
    public const string Section = "Imprivata:Eam";

    /// <summary>Metadata of Entra's public cloud: its issuer template and jwks_uri (Entra's real host unless set).</summary>
    public string? PublicMetadataUrl { get; set; }
    /// <summary>Metadata of Entra for US Government (login.microsoftonline.us).</summary>
    public string? UsGovMetadataUrl { get; set; }
    /// <summary>Metadata of Entra operated by 21Vianet (login.partner.microsoftonline.cn).</summary>
    public string? ChinaMetadataUrl { get; set; }
    /// <summary>How old a hint's iat may be. Entra issues hints already expired, so exp says nothing; it keeps its state ~5 min.</summary>
    public TimeSpan HintMaxAge { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Lifetime of the id_token we post back (Entra reads it at once).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public string MetadataUrlOf(EntraCloud cloud)
    {
        var configured = cloud == EntraCloud.Public ? PublicMetadataUrl : cloud == EntraCloud.UsGovernment ? UsGovMetadataUrl : ChinaMetadataUrl;
        return string.IsNullOrWhiteSpace(configured) ? cloud.DefaultMetadataUrl : configured;
    }

    /// <summary>Start-up validation: absolute https URLs (http only on loopback, for tests), positive durations.</summary>
    public string? Problem()
    {
        foreach (var cloud in EntraCloud.All)
        {
            var url = MetadataUrlOf(cloud);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
                return $"Imprivata:Eam metadata URL for the {cloud.Name} cloud must be an absolute https URL.";
        }
        if (HintMaxAge <= TimeSpan.Zero || HintMaxAge > TimeSpan.FromHours(1))
            return "Imprivata:Eam:HintMaxAge must be between zero and one hour.";
        if (TokenLifetime <= TimeSpan.Zero || TokenLifetime > TimeSpan.FromHours(1))
            return "Imprivata:Eam:TokenLifetime must be between zero and one hour.";
        return null;
    }
}
