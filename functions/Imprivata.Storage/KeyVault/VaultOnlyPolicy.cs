using Azure.Core;
using Azure.Core.Pipeline;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// Refuses, before it is authenticated or sent, any request to another scheme, host or port than the vault's. Once the
/// challenge is known the SDK attaches the bearer token to whatever URI a request has, and a versions page's nextLink is
/// taken from the response as it is.
/// </summary>
internal sealed class VaultOnlyPolicy(Uri vault) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var target = message.Request.Uri.ToUri();
        if (target.Scheme != Uri.UriSchemeHttps
            || !string.Equals(target.Host, vault.Host, StringComparison.OrdinalIgnoreCase)
            || target.Port != vault.Port)
            throw new KeyVaultRequestException(
                $"A Key Vault request to {target.Scheme}://{target.Authority} was refused: the service talks only to its vault {vault.Authority}.");
    }
}
