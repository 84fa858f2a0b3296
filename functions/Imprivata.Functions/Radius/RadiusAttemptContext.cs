using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Radius;

/// <summary>A request whose first factor passed for a directory user: what the second-factor steps work with.</summary>
/// <param name="Proven">Factors done so far, space-separated ("password", or empty when the gateway checked it).</param>
/// <param name="Attributes">What the Access-Accept will carry (chosen by group now, kept with the challenge or push).</param>
public sealed record RadiusAttemptContext(RadiusAuthenticate Request, RadiusClientProfile Client, DirectoryUser User, string Proven,
    IReadOnlyList<RadiusReplyAttribute> Attributes)
{
    public string With(string factor) => (Proven + " " + factor).Trim();
}
