using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Functions.Audit;

namespace Imprivata.Functions.Mfa.Otp;

/// <summary>
/// The login step's entry point for an OTP code: verifies it and writes the "mfa.otp" audit event (reason from
/// <see cref="OtpReasons"/>, enrollment id and token serial, never the code). Throttling is the caller's.
/// </summary>
public sealed class OtpSignIn(OtpTokenVerifier verifier, AuditTrail audit)
{
    public async Task<OtpVerification> VerifyAsync(HttpContext http, DirectoryUser user, string code, string? clientId = null)
    {
        var result = await verifier.VerifyAsync(user.Id, code, http.RequestAborted);
        var detail = result.Enrollment is { } e ? "enrollment=" + e.Id + (e.Serial is { } s ? ";serial=" + s : "") : null;
        await audit.WriteAsync(http, AuditKinds.MfaOtp, result.Succeeded ? AuditResults.Success : AuditResults.Failure, result.Reason,
            username: user.Username, userId: user.Id, clientId: clientId, methods: Factor.OtpToken.Name(), detail: detail);
        return result;
    }
}
