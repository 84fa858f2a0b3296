using System.Text.Json;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>Bodies of the approver API (camelCase JSON) and the base64url codec the device uses for keys and signatures.</summary>
public static class ApproverJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static IResult Error(int status, string error) => Results.Json(new ApproverError(error), Options, statusCode: status);

    public static string ToBase64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Null for anything that is not base64url (never throws on client input).</summary>
    public static byte[]? FromBase64Url(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 4096)
            return null;
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => "!" };
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out var written) ? buffer[..written] : null;
    }
}

public sealed record ApproverError(string Error);

public sealed record DeviceRegistrationRequest(string? Token, string? PublicKey, string? DeviceName);

/// <summary>The one response that carries the TOTP seed; the device imports it as a non-extractable HMAC key.</summary>
public sealed record DeviceRegistrationResponse(string UserId, string Username, string EnrollmentId, string DeviceName, string TotpSeed, int Digits, int Period);

public sealed record ChallengeView(string Id, string Username, string App, string? Ip, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    int RemainingSeconds, bool NumberMatching);

public sealed record PendingChallengesResponse(IReadOnlyList<ChallengeView> Challenges, DateTimeOffset ServerTime);

public sealed record DecisionRequest(string? Decision, string? Number, string? Signature);

public sealed record DecisionResponse(string State, string Reason);
