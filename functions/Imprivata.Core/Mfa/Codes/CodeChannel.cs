namespace Imprivata.Core.Mfa.Codes;

/// <summary>Where a one-time code is delivered.</summary>
public enum CodeChannel
{
    Sms = 0,
    Email = 1,
}

/// <summary>
/// What a code proves. A code sent to confirm a new phone or address must never complete a sign-in (the destination is
/// not yet proven to be the user's), so the purpose is part of the code's identity and of its hash.
/// </summary>
public enum CodePurpose
{
    SignIn = 0,
    Enrollment = 1,
}

public static class CodeChannels
{
    public static Factor Factor(this CodeChannel channel) => channel == CodeChannel.Sms ? Mfa.Factor.Sms : Mfa.Factor.Email;

    public static string Name(this CodeChannel channel) => channel.Factor().Name();

    public static string Name(this CodePurpose purpose) => purpose == CodePurpose.SignIn ? "signin" : "enroll";

    public static bool TryFrom(Factor factor, out CodeChannel channel)
    {
        channel = factor == Mfa.Factor.Email ? CodeChannel.Email : CodeChannel.Sms;
        return factor is Mfa.Factor.Sms or Mfa.Factor.Email;
    }

    /// <summary>
    /// The amr value a successful code contributes. "sms" is registered (RFC 8176 §2). "email" is not: it is this product's
    /// name for an e-mailed code, and it must not be counted as a second factor (acr "mfa", SAML AuthnContext) unless the
    /// administrator explicitly accepted that an e-mail inbox is often reachable with the same password.
    /// </summary>
    public static string Amr(this CodeChannel channel) => channel == CodeChannel.Sms ? "sms" : "email";
}
