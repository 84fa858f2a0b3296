using System.Security.Cryptography;
using Imprivata.RadiusEdge.Contract;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Bridge;

/// <summary>
/// Seals passwords to the backend's public key (RSA-OAEP-256 + AES-256-GCM): the configured key, or for a connected edge
/// without one, the key the console publishes (fetched by the management service and swapped in while requests are sealed).
/// </summary>
public sealed class PasswordSealer
{
    /// <summary>One key and its id, swapped as a unit so a request never pairs one key with another's id.</summary>
    private sealed record SealingKey(RSA Key, string? KeyId);

    private readonly string _edgeId;
    private volatile SealingKey? _current;

    public PasswordSealer(IOptions<EdgeOptions> options)
    {
        var bridge = options.Value.Bridge;
        _edgeId = options.Value.EdgeId;
        var pem = !string.IsNullOrWhiteSpace(bridge.BackendPublicKeyPem) ? bridge.BackendPublicKeyPem : ReadKeyFile(bridge.BackendPublicKeyFile, options.Value);
        if (pem is null)
            return;
        if (!TryImport(pem, out var key, out var error))
            throw new InvalidOperationException("RadiusEdge: " + error);
        _current = new SealingKey(key!, bridge.BackendKeyId);
        Configured = true;
    }

    /// <summary>A key is configured (<c>Bridge:BackendPublicKeyPem/File</c>): it wins over the console's.</summary>
    public bool Configured { get; }

    public bool HasKey => _current is not null;

    public string? KeyId => _current?.KeyId;

    /// <summary>Uses the console's key from now on (unless one is configured). False, with the reason, for an unusable key.</summary>
    public bool TryUse(string pem, string? keyId, out string error)
    {
        error = "";
        if (Configured)
            return true;
        var current = _current;
        if (current is not null && current.KeyId == keyId && keyId is not null && SamePem(current.Key, pem))
            return true;
        if (!TryImport(pem, out var key, out error))
            return false;
        // The previous key is not disposed: a request may be sealing with it right now. It is a public key; the GC frees it.
        _current = new SealingKey(key!, keyId);
        return true;
    }

    public SealedPassword Seal(ReadOnlySpan<byte> password, string requestId)
    {
        var key = _current ?? throw new InvalidOperationException("RadiusEdge: no key to seal passwords to yet.");
        return PasswordSeal.Seal(password, key.Key, key.KeyId, requestId, _edgeId);
    }

    // The container image names a key file by default; a connected edge without that file uses the console's key.
    private static string? ReadKeyFile(string? path, EdgeOptions options)
    {
        if (string.IsNullOrWhiteSpace(path))
            return null;
        if (!File.Exists(path) && options.Connected)
            return null;
        return File.Exists(path) ? File.ReadAllText(path)
            : throw new InvalidOperationException($"RadiusEdge: Bridge:BackendPublicKeyFile {path} does not exist.");
    }

    private static bool SamePem(RSA key, string pem) => key.ExportSubjectPublicKeyInfoPem() == pem.Trim();

    private static bool TryImport(string pem, out RSA? key, out string error)
    {
        key = RSA.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            key = null;
            error = "the backend public key is not an RSA public key in PEM.";
            return false;
        }
        if (key.KeySize < 2048)
        {
            key.Dispose();
            key = null;
            error = "the backend public key must be RSA 2048 bits or more.";
            return false;
        }
        error = "";
        return true;
    }
}
