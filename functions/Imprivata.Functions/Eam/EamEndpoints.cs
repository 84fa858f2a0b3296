using Imprivata.Functions.Infrastructure;

namespace Imprivata.Functions.Eam;

/// <summary>
/// Our addresses as Entra's external-method provider. One issuer for every profile, <c>{PublicBaseUrl}/eam</c>: the discovery
/// URL is the issuer plus <c>/.well-known/openid-configuration</c> with nothing after it, and the issuer in the document and in
/// every id_token is this same string (Entra compares them character for character).
/// </summary>
public sealed class EamEndpoints(ServiceOptions options)
{
    public const string Prefix = "/eam";
    public const string DiscoveryPath = Prefix + "/.well-known/openid-configuration";
    public const string JwksPath = Prefix + "/jwks";
    public const string AuthorizePath = Prefix + "/authorize";
    public const string CompletePath = Prefix + "/complete";

    public string Issuer { get; } = options.PublicBase.ToString().TrimEnd('/') + Prefix;
    public string DiscoveryUrl => Issuer + "/.well-known/openid-configuration";
    public string JwksUri => Issuer + "/jwks";
    public string AuthorizationEndpoint => Issuer + "/authorize";
}
