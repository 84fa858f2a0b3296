using System.Security.Cryptography;
using Imprivata.RadiusEdge.Contract;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Bridge;

/// <summary>Seals passwords to the backend's public key from configuration (RSA-OAEP-256 + AES-256-GCM).</summary>
public sealed class PasswordSealer : IDisposable
{
    private readonly RSA _backendKey;
    private readonly string? _keyId;
    private readonly string _edgeId;

    public PasswordSealer(IOptions<EdgeOptions> options)
    {
        var bridge = options.Value.Bridge;
        var pem = !string.IsNullOrWhiteSpace(bridge.BackendPublicKeyPem) ? bridge.BackendPublicKeyPem : File.ReadAllText(bridge.BackendPublicKeyFile!);
        _backendKey = RSA.Create();
        _backendKey.ImportFromPem(pem);
        if (_backendKey.KeySize < 2048)
            throw new InvalidOperationException("RadiusEdge: the backend public key must be RSA 2048 bits or more.");
        _keyId = bridge.BackendKeyId;
        _edgeId = options.Value.EdgeId;
    }

    public SealedPassword Seal(ReadOnlySpan<byte> password, string requestId) =>
        PasswordSeal.Seal(password, _backendKey, _keyId, requestId, _edgeId);

    public void Dispose() => _backendKey.Dispose();
}
