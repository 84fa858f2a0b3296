using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>What a WebAuthn enrollment keeps in <see cref="Enrollment.Properties"/> (JSON): no index needed on these.</summary>
public sealed record WebAuthnCredentialProperties
{
    /// <summary>The random user handle (base64url) given to the authenticator: never the username (WebAuthn L3 §14.6.1).</summary>
    public string? UserHandle { get; init; }
    public string? Aaguid { get; init; }
    public int Algorithm { get; init; }
    public string[]? Transports { get; init; }
    public bool UserVerified { get; init; }
    public bool BackupEligible { get; init; }
    /// <summary>The attestation type proved at registration ("none", "self", "basic", ...; "basic-untrusted" in older records).</summary>
    public string? Attestation { get; init; }
    /// <summary>The attestation statement format ("none", "packed", "tpm", ...); absent in records made before it was kept.</summary>
    public string? AttestationFormat { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static WebAuthnCredentialProperties Read(Enrollment enrollment)
    {
        if (string.IsNullOrEmpty(enrollment.Properties))
            return new();
        try
        {
            return JsonSerializer.Deserialize<WebAuthnCredentialProperties>(enrollment.Properties, Json) ?? new();
        }
        catch (JsonException)
        {
            return new();
        }
    }

    public string Write() => JsonSerializer.Serialize(this, Json);
}
