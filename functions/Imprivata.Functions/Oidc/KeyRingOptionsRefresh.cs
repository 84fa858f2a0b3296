using Imprivata.Core.Keys;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenIddict.Server;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Rebuilds OpenIddict's options when the key ring publishes a different set of keys (a successor appears, an old key leaves),
/// so id_token_hints signed by a new key validate without a restart. Checked cheaply (the ring serves keys from memory)
/// each time a JWKS is served or a token is signed.
/// </summary>
internal sealed class KeyRingOptionsRefresh(ISigningKeyRing ring) : IOptionsChangeTokenSource<OpenIddictServerOptions>
{
    private CancellationTokenSource _change = new();
    private volatile string _configuredKeys = "";

    public string? Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_change.Token);

    /// <summary>Called by <see cref="KeyRingServerCredentials"/> with the key ids it put into the options.</summary>
    public void Configured(IEnumerable<SigningKey> keys) => _configuredKeys = Fingerprint(keys);

    public async ValueTask CheckAsync(CancellationToken ct)
    {
        var published = Fingerprint(await ring.GetPublishedKeysAsync(ct).ConfigureAwait(false));
        if (published == _configuredKeys)
            return;
        _configuredKeys = published; // one signal per change, even under concurrent requests
        var previous = Interlocked.Exchange(ref _change, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    private static string Fingerprint(IEnumerable<SigningKey> keys) => string.Join(' ', keys.Select(k => k.KeyId).Order(StringComparer.Ordinal));
}
