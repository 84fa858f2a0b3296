using Imprivata.Core.Mfa;

namespace Imprivata.Core.Eam;

/// <summary>The acr and the single amr value our id_token tells Entra.</summary>
public sealed record EamAuthenticationClaims(string Acr, string Amr);

/// <summary>
/// Which acr and amr are true for the factor the user completed, chosen from what Entra asked for (Microsoft Learn, EAM
/// provider: "amr must contain exactly one requested value", acr one requested value whose method types include it).
/// </summary>
public static class EamMethodClaims
{
    public const string Possession = "possession";
    public const string Inherence = "inherence";
    public const string Knowledge = "knowledge";

    /// <summary>
    /// The amr values that truthfully describe each factor, best first. Push: the approval is signed by a key the approver
    /// app keeps in the phone's software key store, so "swk" (RFC 8176), and "pop" as the generic proof of possession.
    /// WebAuthn: "fido", else "pop". A temporary code has none: it is a helpdesk-issued code, no device or one-time password,
    /// so a request Entra sends can never be satisfied by it (access_denied rather than a false claim).
    /// </summary>
    public static IReadOnlyList<string> AmrValuesOf(Factor factor) => factor switch
    {
        Factor.OtpToken => ["otp"],
        Factor.Sms => ["sms"],
        Factor.Push => ["swk", "pop"],
        Factor.WebAuthn => ["fido", "pop"],
        _ => [],
    };

    private static readonly Dictionary<string, string> TypeOfAmr = new(StringComparer.Ordinal)
    {
        ["face"] = Inherence, ["fpt"] = Inherence, ["iris"] = Inherence, ["retina"] = Inherence, ["vbm"] = Inherence,
        ["fido"] = Possession, ["hwk"] = Possession, ["otp"] = Possession, ["pop"] = Possession, ["sc"] = Possession,
        ["sms"] = Possession, ["swk"] = Possession, ["tel"] = Possession,
    };

    private static readonly Dictionary<string, string[]> TypesOfAcr = new(StringComparer.Ordinal)
    {
        ["possessionorinherence"] = [Possession, Inherence],
        ["knowledgeorpossession"] = [Knowledge, Possession],
        ["knowledgeorinherence"] = [Knowledge, Inherence],
        ["knowledgeorpossessionorinherence"] = [Knowledge, Possession, Inherence],
        ["knowledge"] = [Knowledge],
        ["possession"] = [Possession],
        ["inherence"] = [Inherence],
    };

    /// <summary>The claims for <paramref name="factor"/> within <paramref name="request"/>, or null when nothing requested fits.</summary>
    public static EamAuthenticationClaims? For(Factor factor, EamClaimsRequest request)
    {
        foreach (var amr in AmrValuesOf(factor).Where(v => request.Amr.Contains(v, StringComparer.Ordinal)))
        {
            var type = TypeOfAmr[amr];
            var acr = request.Acr.FirstOrDefault(a => TypesOfAcr.TryGetValue(a, out var types) && types.Contains(type));
            if (acr is not null)
                return new EamAuthenticationClaims(acr, amr);
        }
        return null;
    }

    /// <summary>The factor an amr list of our SSO session records (the one completed in a second-factor-only login).</summary>
    public static Factor? FactorOf(IReadOnlyList<string> sessionAmr)
    {
        foreach (var factor in Enum.GetValues<Factor>())
        {
            if (factor is Factor.Password)
                continue;
            if (FactorAmr.For(factor).Any(sessionAmr.Contains))
                return factor;
        }
        return null;
    }
}
