namespace Imprivata.Core.Mfa;

/// <summary>
/// RFC 8176 authentication method references for what a user actually did. "mfa" is added only when a second factor
/// of a different kind than the password was completed; e-mail codes count only when the administrator accepted that risk.
/// </summary>
public static class FactorAmr
{
    public const string Mfa = "mfa";

    public static IReadOnlyList<string> For(Factor factor) => factor switch
    {
        Factor.Password => ["pwd"],
        Factor.OtpToken => ["otp"],
        // Proof of possession of a software-secured key: the approver's device key signed the approval.
        Factor.Push => ["swk"],
        Factor.Sms => ["sms"],
        Factor.Email => ["email"],
        Factor.WebAuthn => ["fido"],
        // Not an RFC 8176 value: a helpdesk code is neither an OTP device nor a key, and reports must be able to tell.
        Factor.TemporaryCode => ["tmp"],
        _ => [],
    };

    /// <summary>The amr of a completed login: every factor's values, plus "mfa" when a genuine second factor was among them.</summary>
    public static IReadOnlyList<string> Combine(IEnumerable<Factor> factors, bool emailCountsAsMfa)
    {
        var list = factors.Distinct().ToList();
        var amr = list.SelectMany(For).Distinct().ToList();
        var second = list.Any(f => f is not Factor.Password && (f is not Factor.Email || emailCountsAsMfa));
        if (second && list.Count >= 2)
            amr.Add(Mfa);
        return amr;
    }

    /// <summary>
    /// The amr of a second-factor-only login (Entra ID's external method): Entra did the first factor, and its signed
    /// id_token_hint, validated before the login began, is the proof; so a genuine second factor makes the session "mfa".
    /// </summary>
    public static IReadOnlyList<string> AfterExternalFirstFactor(Factor factor, bool emailCountsAsMfa)
    {
        var amr = For(factor).ToList();
        if (factor is not Factor.Password && (factor is not Factor.Email || emailCountsAsMfa))
            amr.Add(Mfa);
        return amr;
    }
}
