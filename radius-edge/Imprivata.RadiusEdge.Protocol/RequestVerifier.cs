namespace Imprivata.RadiusEdge.Protocol;

/// <summary>Per-client settings the verifier needs: the shared secret and the BlastRADIUS switches.</summary>
public sealed record ClientPolicy(byte[] Secret, bool RequireMessageAuthenticator = true, bool LimitProxyState = true);

/// <summary>
/// Checks that a decoded request is authentic and well-formed for its client. Rules run in order; the first failure wins.
/// Every failure here is a silent discard: no password is checked and nothing is counted against a user.
/// </summary>
public static class RequestVerifier
{
    private static readonly Func<RadiusPacket, ClientPolicy, RadiusFailure>[] Rules =
    [
        RequireServedCode,
        ValidateMessageAuthenticator,
        RequireMessageAuthenticatorOnStatusServer,
        RequireMessageAuthenticatorWhenConfigured,
        LimitProxyState,
        ValidateUserPasswordShape,
    ];

    public static RadiusFailure Verify(RadiusPacket request, ClientPolicy client)
    {
        foreach (var rule in Rules)
        {
            var failure = rule(request, client);
            if (failure != RadiusFailure.None)
                return failure;
        }
        return RadiusFailure.None;
    }

    // RFC 2865 §3: this port serves Access-Request and (RFC 5997) Status-Server; anything else is discarded.
    private static RadiusFailure RequireServedCode(RadiusPacket p, ClientPolicy _) =>
        p.Code is RadiusCode.AccessRequest or RadiusCode.StatusServer ? RadiusFailure.None : RadiusFailure.UnexpectedCode;

    // RFC 3579 §3.2: one 16-octet value that verifies, wherever it is; otherwise silent discard.
    private static RadiusFailure ValidateMessageAuthenticator(RadiusPacket p, ClientPolicy c) =>
        MessageAuthenticator.VerifyRequest(p, c.Secret);

    // RFC 5997 §3: Status-Server MUST carry Message-Authenticator; without it, discard.
    private static RadiusFailure RequireMessageAuthenticatorOnStatusServer(RadiusPacket p, ClientPolicy _) =>
        p.Code == RadiusCode.StatusServer && p.Count(RadiusAttributeType.MessageAuthenticator) == 0
            ? RadiusFailure.MessageAuthenticatorMissing
            : RadiusFailure.None;

    // BlastRADIUS (draft-ietf-radext-deprecating-radius): "require Message-Authenticator" per client, on by default.
    private static RadiusFailure RequireMessageAuthenticatorWhenConfigured(RadiusPacket p, ClientPolicy c) =>
        c.RequireMessageAuthenticator && p.Count(RadiusAttributeType.MessageAuthenticator) == 0
            ? RadiusFailure.MessageAuthenticatorMissing
            : RadiusFailure.None;

    // BlastRADIUS "limit Proxy-State": a request carrying Proxy-State must also carry Message-Authenticator.
    private static RadiusFailure LimitProxyState(RadiusPacket p, ClientPolicy c) =>
        c.LimitProxyState && p.Count(RadiusAttributeType.ProxyState) > 0 && p.Count(RadiusAttributeType.MessageAuthenticator) == 0
            ? RadiusFailure.ProxyStateWithoutMessageAuthenticator
            : RadiusFailure.None;

    // RFC 2865 §5.2 and §5 table: at most one User-Password, 16..128 octets in multiples of 16.
    private static RadiusFailure ValidateUserPasswordShape(RadiusPacket p, ClientPolicy _)
    {
        var count = 0;
        for (var i = 0; i < p.Attributes.Count; i++)
        {
            var a = p.Attributes[i];
            if (a.Type != RadiusAttributeType.UserPassword)
                continue;
            if (++count > 1)
                return RadiusFailure.UserPasswordDuplicate;
            if (!UserPassword.IsValidHiddenLength(a.Value.Length))
                return RadiusFailure.UserPasswordBadLength;
        }
        return RadiusFailure.None;
    }
}

/// <summary>The edge serves PAP only (the vendor's RADIUS server does too); other methods get Access-Reject with a reason.</summary>
public static class CredentialRules
{
    public static RadiusFailure RequirePap(RadiusPacket request)
    {
        // RFC 3579 §3.1: EAP-Message means EAP.
        if (request.Count(RadiusAttributeType.EapMessage) > 0)
            return RadiusFailure.EapUnsupported;
        // RFC 2865 §5.3: CHAP-Password means CHAP.
        if (request.Count(RadiusAttributeType.ChapPassword) > 0)
            return RadiusFailure.ChapUnsupported;
        // RFC 2548 §2.1.3, §2.3.2: MS-CHAP-Response / MS-CHAP2-Response vendor attributes.
        if (request.HasVendorAttribute(RadiusAttributeType.MicrosoftVendorId, RadiusAttributeType.MsChapResponse) ||
            request.HasVendorAttribute(RadiusAttributeType.MicrosoftVendorId, RadiusAttributeType.MsChap2Response))
            return RadiusFailure.MsChapUnsupported;
        if (request.Count(RadiusAttributeType.UserPassword) == 0)
            return RadiusFailure.NoCredentials;
        return RadiusFailure.None;
    }
}
