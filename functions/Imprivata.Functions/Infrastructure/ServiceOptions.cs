namespace Imprivata.Functions.Infrastructure;

/// <summary>
/// Settings of the service, section "Imprivata". Every option is documented here; unsafe defaults are warned about at start.
/// </summary>
public sealed class ServiceOptions
{
    public const string Section = "Imprivata";

    /// <summary>
    /// The public base URL, which is also the OIDC issuer. Configure it explicitly in Azure: it is never derived
    /// from the Host header (the Functions host proxies requests and a forged Host must not change the issuer). The
    /// standalone default is a host name, not 127.0.0.1: browsers refuse an IP address as a WebAuthn relying party.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:7071";

    /// <summary>Local key ring ("software", the default) or Azure Key Vault ("keyvault").</summary>
    public string KeyProvider { get; set; } = "software";

    /// <summary>Key Vault URL, e.g. https://myvault.vault.azure.net/ (KeyProvider = keyvault).</summary>
    public string? KeyVaultUrl { get; set; }

    /// <summary>Name of the RSA key in Key Vault used to sign tokens and assertions.</summary>
    public string KeyVaultKeyName { get; set; } = "idp-signing";

    /// <summary>
    /// Name of the RSA key in Key Vault (keyOps wrapKey, unwrapKey) that seals the data keys of the Secrets table: authenticator
    /// secrets, code hashes, token and audit-seal keys (KeyProvider = keyvault).
    /// </summary>
    public string KeyVaultWrapKeyName { get; set; } = "data-kek";

    public Uri PublicBase => new(PublicBaseUrl.TrimEnd('/') + "/");
}
