namespace Imprivata.Functions.Radius;

/// <summary>
/// The Reply-Messages gateways show. Every refusal before the first factor passed says the same (unknown user, wrong
/// password, disabled, not licensed look alike); after it, the user is told what to do.
/// </summary>
public static class RadiusTexts
{
    public const string Denied = "Access denied.";
    /// <summary>What a stopped edge says itself (radius-edge/README.md), said by the backend for a stopped or revoked edge it still hears from.</summary>
    public const string EdgeStopped = "Remote access is stopped on this server";
    public const string EnrollFirst = "Set up a second sign-in method before using remote access.";
    public const string NoMethod = "No sign-in method for remote access is set up for your account.";
    public const string PushDenied = "The sign-in was denied on your phone.";
    public const string PushExpired = "The sign-in was not approved in time. Try again.";
    public const string WrongCode = "The code is not right. Sign in again.";
    public const string Throttled = "Too many attempts. Wait a few minutes, then sign in again.";
    public const string CodeNotSent = "The code could not be sent. Try again later or use another method.";
    public const string OtpCode = "Enter the code from your authenticator app or token.";
    public const string AnyCode = "Enter the code from your authenticator app, token or help desk.";
    public const string TemporaryCode = "Enter the temporary code your help desk gave you.";

    public static string SmsCode(string masked) => $"Enter the code sent by text message to {masked}.";

    public static string EmailCode(string masked) => $"Enter the code e-mailed to {masked}.";

    /// <summary>Number matching: only the two digits are shown, the user types them on the phone.</summary>
    public static string MatchNumber(int number) => $"Approve the sign-in on your phone and enter {number:D2}";

    /// <summary>The method choice as gateways show it: "Choose a sign-in method: 1 = push, 2 = SMS, 3 = code".</summary>
    public static string Choice(IEnumerable<string> methods) =>
        "Choose a sign-in method: " + string.Join(", ", methods.Select((m, i) => $"{i + 1} = {m}"));
}
