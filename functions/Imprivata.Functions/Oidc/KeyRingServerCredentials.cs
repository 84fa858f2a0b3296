using Imprivata.Core.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Puts every published key of the ring into OpenIddict's signing credentials (so id_token_hints signed by any of them
/// validate), the HS256 key of the provider's own opaque tokens, and the token-encryption key into its encryption credentials.
/// Which key signs is decided per token by
/// <see cref="SignWithActiveKey"/>, so the order here does not matter.
/// </summary>
internal sealed class KeyRingServerCredentials(ISigningKeyRing ring, ITokenEncryptionKeySource encryption, KeyRingOptionsRefresh refresh)
    : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        // Options are built once per change of the ring, at an instance's first request and after a failed build
        // (ServerOptionsCache), so blocking here never happens per request in steady state.
        var keys = ring.GetPublishedKeysAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var key in keys)
            options.SigningCredentials.Add(SignWithActiveKey.CredentialsFor(key));
        refresh.Configured(keys);
        var hmac = encryption.GetOrCreateSigningKeyAsync(CancellationToken.None).GetAwaiter().GetResult();
        options.SigningCredentials.Add(SignWithActiveKey.InternalCredentials(hmac));
        var aes = encryption.GetOrCreateAsync(CancellationToken.None).GetAwaiter().GetResult();
        options.EncryptionCredentials.Add(new EncryptingCredentials(new SymmetricSecurityKey(aes) { KeyId = "enc1" },
            SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
    }
}
