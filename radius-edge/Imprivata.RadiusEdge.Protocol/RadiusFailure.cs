namespace Imprivata.RadiusEdge.Protocol;

/// <summary>
/// Every way a request can fail, as a value (never an exception). <see cref="None"/> is success; the default of a
/// result is therefore success only when set explicitly (results start as failures, see <see cref="RadiusResult{T}"/>).
/// Rendered to text and mapped to an action in one place: <see cref="RadiusFailures"/>.
/// </summary>
public enum RadiusFailure
{
    None = 0,
    // Wire format (RFC 2865 §3, §5).
    DatagramTooShort,
    LengthTooSmall,
    LengthTooLarge,
    LengthExceedsDatagram,
    UnknownCode,
    AttributeHeaderOverflow,
    AttributeLengthTooSmall,
    AttributeOverflow,
    // Message-Authenticator (RFC 3579 §3.2, RFC 5080 §2.2.2, BlastRADIUS).
    MessageAuthenticatorDuplicate,
    MessageAuthenticatorBadLength,
    MessageAuthenticatorInvalid,
    MessageAuthenticatorMissing,
    ProxyStateWithoutMessageAuthenticator,
    // User-Password (RFC 2865 §5.2).
    UserPasswordDuplicate,
    UserPasswordBadLength,
    PasswordContainsNul,
    // Request handling.
    UnexpectedCode,
    UnknownClient,
    ChapUnsupported,
    MsChapUnsupported,
    EapUnsupported,
    NoCredentials,
}

/// <summary>What the server does about a failure: FreeRADIUS' distinction between a silent discard and a reply.</summary>
public enum RadiusFailureAction
{
    /// <summary>Silently discard: nothing is sent, nothing is counted against a user.</summary>
    Drop,
    /// <summary>Answer with Access-Reject (the request was authentic but cannot be served).</summary>
    Reject,
}

/// <summary>The string table and action table for <see cref="RadiusFailure"/>.</summary>
public static class RadiusFailures
{
    public static RadiusFailureAction Action(RadiusFailure failure) => failure switch
    {
        RadiusFailure.ChapUnsupported or RadiusFailure.MsChapUnsupported or RadiusFailure.EapUnsupported
            or RadiusFailure.NoCredentials or RadiusFailure.PasswordContainsNul => RadiusFailureAction.Reject,
        _ => RadiusFailureAction.Drop,
    };

    /// <summary>Stable snake_case reason code for logs and the exchange log.</summary>
    public static string Code(RadiusFailure failure) => failure switch
    {
        RadiusFailure.None => "ok",
        RadiusFailure.DatagramTooShort => "datagram_too_short",
        RadiusFailure.LengthTooSmall => "length_too_small",
        RadiusFailure.LengthTooLarge => "length_too_large",
        RadiusFailure.LengthExceedsDatagram => "length_exceeds_datagram",
        RadiusFailure.UnknownCode => "unknown_code",
        RadiusFailure.AttributeHeaderOverflow => "attribute_header_overflow",
        RadiusFailure.AttributeLengthTooSmall => "attribute_length_too_small",
        RadiusFailure.AttributeOverflow => "attribute_overflow",
        RadiusFailure.MessageAuthenticatorDuplicate => "message_authenticator_duplicate",
        RadiusFailure.MessageAuthenticatorBadLength => "message_authenticator_bad_length",
        RadiusFailure.MessageAuthenticatorInvalid => "message_authenticator_invalid",
        RadiusFailure.MessageAuthenticatorMissing => "message_authenticator_missing",
        RadiusFailure.ProxyStateWithoutMessageAuthenticator => "proxy_state_without_message_authenticator",
        RadiusFailure.UserPasswordDuplicate => "user_password_duplicate",
        RadiusFailure.UserPasswordBadLength => "user_password_bad_length",
        RadiusFailure.PasswordContainsNul => "password_contains_nul",
        RadiusFailure.UnexpectedCode => "unexpected_code",
        RadiusFailure.UnknownClient => "unknown_client",
        RadiusFailure.ChapUnsupported => "chap_unsupported",
        RadiusFailure.MsChapUnsupported => "mschap_unsupported",
        RadiusFailure.EapUnsupported => "eap_unsupported",
        RadiusFailure.NoCredentials => "no_credentials",
        _ => "unknown_failure",
    };

    /// <summary>Human-readable reason, never containing packet data.</summary>
    public static string Describe(RadiusFailure failure) => failure switch
    {
        RadiusFailure.None => "OK",
        RadiusFailure.DatagramTooShort => "Datagram shorter than the 20-octet RADIUS header",
        RadiusFailure.LengthTooSmall => "Length field below 20",
        RadiusFailure.LengthTooLarge => "Length field above 4096",
        RadiusFailure.LengthExceedsDatagram => "Length field larger than the datagram received",
        RadiusFailure.UnknownCode => "Unknown packet code",
        RadiusFailure.AttributeHeaderOverflow => "Attribute header runs past the end of the packet",
        RadiusFailure.AttributeLengthTooSmall => "Attribute length below 2",
        RadiusFailure.AttributeOverflow => "Attribute runs past the end of the packet",
        RadiusFailure.MessageAuthenticatorDuplicate => "More than one Message-Authenticator",
        RadiusFailure.MessageAuthenticatorBadLength => "Message-Authenticator is not 16 octets",
        RadiusFailure.MessageAuthenticatorInvalid => "Message-Authenticator does not verify (wrong shared secret?)",
        RadiusFailure.MessageAuthenticatorMissing => "Message-Authenticator required but missing",
        RadiusFailure.ProxyStateWithoutMessageAuthenticator => "Proxy-State without Message-Authenticator (limit Proxy-State)",
        RadiusFailure.UserPasswordDuplicate => "More than one User-Password",
        RadiusFailure.UserPasswordBadLength => "User-Password length is not a multiple of 16 between 16 and 128",
        RadiusFailure.PasswordContainsNul => "Password contains a NUL before its end",
        RadiusFailure.UnexpectedCode => "Packet code not served on this port",
        RadiusFailure.UnknownClient => "Source IP address does not have a NAS entry",
        RadiusFailure.ChapUnsupported => "CHAP is not supported (PAP only)",
        RadiusFailure.MsChapUnsupported => "MS-CHAP is not supported (PAP only)",
        RadiusFailure.EapUnsupported => "EAP is not supported (PAP only)",
        RadiusFailure.NoCredentials => "No User-Password in the request",
        _ => "Unknown failure",
    };
}

/// <summary>A value or a failure. The default instance is a failure (fail closed).</summary>
public readonly struct RadiusResult<T>
{
    private readonly T? _value;
    private readonly bool _ok;

    private RadiusResult(T value) { _value = value; _ok = true; Failure = RadiusFailure.None; }
    private RadiusResult(RadiusFailure failure) { _value = default; _ok = false; Failure = failure; }

    public RadiusFailure Failure { get; }
    public bool IsSuccess => _ok;
    public T Value => _ok ? _value! : throw new InvalidOperationException("No value: " + RadiusFailures.Code(Failure));

    public static RadiusResult<T> Success(T value) => new(value);

    public static RadiusResult<T> Fail(RadiusFailure failure) =>
        new(failure == RadiusFailure.None ? throw new ArgumentException("A failure is needed.", nameof(failure)) : failure);

    public static implicit operator RadiusResult<T>(RadiusFailure failure) => Fail(failure);
}
