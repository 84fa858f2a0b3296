using Fido2NetLib;
using Fido2NetLib.Objects;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.WebAuthn;

namespace Imprivata.Functions.Mfa.WebAuthn;

/// <summary>
/// What we ask of authenticators, as fido2-net-lib options. The same objects are the browser's
/// PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON (WebAuthn L3 §5.1.8, §5.1.9; binary fields base64url, decoded by
/// webauthn.js) and, rebuilt from the kept challenge, what the library verifies a response against.
/// </summary>
public static class WebAuthnOptions
{
    /// <summary>ES256 and RS256 (COSE algorithm registry): what security keys and platform authenticators create.</summary>
    public static IReadOnlyList<PubKeyCredParam> Algorithms { get; } = [PubKeyCredParam.ES256, PubKeyCredParam.RS256];

    /// <summary>The relying party as the library sees it: our RP ID, exactly our public origin, our challenge size and lifetime.</summary>
    public static Fido2Configuration Configuration(WebAuthnRelyingParty rp)
    {
        ArgumentNullException.ThrowIfNull(rp);
        return new Fido2Configuration
        {
            RPID = rp.Id,
            RPName = rp.Name,
            Origins = new HashSet<string>(StringComparer.Ordinal) { rp.Origin },
            Timeout = (uint)WebAuthnChallenge.Lifetime.TotalMilliseconds,
            ChallengeSize = WebAuthnChallenge.Length,
            // Our pages are never framed (frame-ancestors 'none'): a cross-origin ceremony is not ours (L3 §7.1 step 10).
            AllowCrossOriginRequests = false,
        };
    }

    /// <param name="existing">The user's credentials: excluded (§5.4.3), so one authenticator is not registered twice.</param>
    public static CredentialCreateOptions Creation(WebAuthnRelyingParty rp, byte[] challenge, byte[] userHandle, string userName, string displayName,
        IEnumerable<Enrollment> existing, bool requireUserVerification = false) =>
        CredentialCreateOptions.Create(Configuration(rp), challenge,
            new Fido2User { Id = userHandle, Name = userName, DisplayName = displayName },
            new AuthenticatorSelection { ResidentKey = ResidentKeyRequirement.Discouraged, UserVerification = UserVerification(requireUserVerification) },
            // No attestation is asked for: without metadata there is no authenticator model to trust (see README).
            AttestationConveyancePreference.None,
            Descriptors(existing), extensions: null, Algorithms);

    public static AssertionOptions Request(WebAuthnRelyingParty rp, byte[] challenge, IEnumerable<Enrollment> credentials, bool requireUserVerification = false) =>
        AssertionOptions.Create(Configuration(rp), challenge, Descriptors(credentials), UserVerification(requireUserVerification), extensions: null);

    private static UserVerificationRequirement UserVerification(bool required) =>
        required ? UserVerificationRequirement.Required : UserVerificationRequirement.Preferred;

    private static PublicKeyCredentialDescriptor[] Descriptors(IEnumerable<Enrollment> enrollments) =>
    [
        .. enrollments.Where(e => e.CredentialId is not null).Select(e => new PublicKeyCredentialDescriptor(PublicKeyCredentialType.PublicKey,
            System.Buffers.Text.Base64Url.DecodeFromChars(e.CredentialId), WebAuthnTransports.Parse(WebAuthnCredentialProperties.Read(e).Transports))),
    ];
}

/// <summary>Transport hints (L3 §5.8.4) as stored (strings) and as the library's enum.</summary>
internal static class WebAuthnTransports
{
    public static AuthenticatorTransport[]? Parse(IEnumerable<string>? names)
    {
        var known = (names ?? []).Select(n => EnumNameMapper<AuthenticatorTransport>.TryGetValue(n, out var t) ? t : (AuthenticatorTransport?)null)
            .OfType<AuthenticatorTransport>().Distinct().ToArray();
        return known.Length == 0 ? null : known;
    }

    public static string[] Names(IEnumerable<AuthenticatorTransport> transports) => [.. transports.Select(EnumNameMapper<AuthenticatorTransport>.GetName)];
}
