using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imprivata.Core.Mfa.WebAuthn;

/// <summary>
/// PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON (WebAuthn L3 §5.1.8, §5.1.9): binary fields are base64url,
/// decoded by Imprivata.Functions/Mfa/WebAuthn/webauthn.js (served at /assets/webauthn.js) before calling navigator.credentials.
/// </summary>
public static class WebAuthnOptions
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Creation(WebAuthnRelyingParty rp, WebAuthnChallenge challenge, byte[] userHandle, string userName, string displayName,
        IEnumerable<Enrollment> existing) =>
        JsonSerializer.Serialize(new CreationOptions(
            new RpEntity(rp.Id, rp.Name),
            new UserEntity(Base64Url.EncodeToString(userHandle), userName, displayName),
            Base64Url.EncodeToString(challenge.Value),
            [new CredentialParameter("public-key", CoseAlgorithms.ES256), new CredentialParameter("public-key", CoseAlgorithms.RS256)],
            (long)WebAuthnChallenge.Lifetime.TotalMilliseconds,
            // §5.4.3 excludeCredentials: an authenticator already registered for this user is not registered twice.
            Descriptors(existing),
            new AuthenticatorSelection("discouraged", false, "preferred"),
            "none"), Json);

    public static string Request(WebAuthnRelyingParty rp, WebAuthnChallenge challenge, IEnumerable<Enrollment> credentials) =>
        JsonSerializer.Serialize(new RequestOptions(
            Base64Url.EncodeToString(challenge.Value),
            (long)WebAuthnChallenge.Lifetime.TotalMilliseconds,
            rp.Id,
            Descriptors(credentials),
            "preferred"), Json);

    private static CredentialDescriptor[] Descriptors(IEnumerable<Enrollment> enrollments) =>
        [.. enrollments.Where(e => e is { Factor: Factor.WebAuthn, CredentialId: not null })
            .Select(e => new CredentialDescriptor("public-key", e.CredentialId!, WebAuthnCredentialProperties.Read(e).Transports))];

    private sealed record CreationOptions(RpEntity Rp, UserEntity User, string Challenge, CredentialParameter[] PubKeyCredParams, long Timeout,
        CredentialDescriptor[] ExcludeCredentials, AuthenticatorSelection AuthenticatorSelection, string Attestation);

    private sealed record RequestOptions(string Challenge, long Timeout, string RpId, CredentialDescriptor[] AllowCredentials, string UserVerification);

    private sealed record RpEntity(string Id, string Name);

    private sealed record UserEntity(string Id, string Name, string DisplayName);

    private sealed record CredentialParameter(string Type, int Alg);

    private sealed record CredentialDescriptor(string Type, string Id, string[]? Transports);

    private sealed record AuthenticatorSelection(string ResidentKey, bool RequireResidentKey, string UserVerification);
}
