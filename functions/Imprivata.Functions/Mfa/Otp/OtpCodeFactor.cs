using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.Sessions;
using Imprivata.Functions.Login;

namespace Imprivata.Functions.Mfa.Otp;

/// <summary>The OTP-token step of the login (/login/mfa/otp): nothing to send; the verifier consumes the code (replay-safe).</summary>
public sealed class OtpCodeFactor(OtpTokenVerifier verifier) : ICodeFactor
{
    public Factor Factor => Factor.OtpToken;

    public Task<CodePrompt> PrepareAsync(DirectoryUser user, PendingLogin pending, bool resend, CancellationToken ct) =>
        Task.FromResult(new CodePrompt("Enter the code shown by your authenticator app or token.") { MaxLength = 8 });

    public async Task<bool> VerifyAsync(DirectoryUser user, PendingLogin pending, string code, CancellationToken ct) =>
        (await verifier.VerifyAsync(user.Id, code, ct)).Succeeded;
}
