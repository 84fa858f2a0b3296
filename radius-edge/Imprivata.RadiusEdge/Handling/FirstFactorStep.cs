using System.Text;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Ldap;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Handling;

/// <summary>What the first factor step decided: the contract's <c>firstFactor</c> and whether the sealed password goes along; or a directory that could not be asked.</summary>
public sealed record FirstFactorResult(FirstFactor? Applied, bool SendPassword, DirectoryVerdict? Unavailable = null);

/// <summary>
/// Applies the NAS client's first-factor mode before the request is handed on: <c>Directory</c> forwards the sealed
/// password for the backend to check, <c>None</c> forwards none (the gateway checked it), <c>Ldap</c> binds to the
/// on-premises directory here and forwards only its verdict and the user's groups.
/// </summary>
public sealed class FirstFactorStep(LdapDirectory directory)
{
    public async Task<FirstFactorResult> ApplyAsync(DecodedRequest request, NasClient client, CancellationToken ct)
    {
        // A challenge response (RFC 2865 §5.24: State echoed) carries the user's answer to the backend's challenge in
        // User-Password, in every mode: it is not the directory password, and only the backend can check it.
        if (request.State is not null)
            return new(new FirstFactor { Mode = client.FirstFactor }, SendPassword: true);
        switch (client.FirstFactor)
        {
            case FirstFactorMode.None:
                return new(new FirstFactor { Mode = FirstFactorMode.None }, SendPassword: false);
            case FirstFactorMode.Ldap:
                var password = request.Password is null ? "" : Encoding.UTF8.GetString(request.Password);
                var verdict = await directory.VerifyAsync(client.LdapProfile!, request.UserName ?? "", password, ct);
                return verdict.Outcome switch
                {
                    DirectoryOutcome.Passed => new(new FirstFactor { Mode = FirstFactorMode.Ldap, Passed = true, Groups = verdict.Groups }, false),
                    // Wrong password, unknown and disabled users look the same to the backend: passed=false, nothing more.
                    DirectoryOutcome.Rejected => new(new FirstFactor { Mode = FirstFactorMode.Ldap, Passed = false }, false),
                    _ => new(null, false, verdict),
                };
            default:
                return new(new FirstFactor { Mode = FirstFactorMode.Directory }, SendPassword: true);
        }
    }
}
