using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Core.Policies;
using Imprivata.Core.Sessions;
using Imprivata.Functions.Login;

namespace Imprivata.Functions.Mfa.TemporaryCodes;

/// <summary>
/// The temporary-code step of the web login (/login/mfa/temporary-code), and the policy engine's view of whether a user
/// holds a working code. The login's workflow (Web SSO, or second factor only for Entra's external method) is the pending
/// login's; other front doors pass their own to VerifyAsync.
/// </summary>
public sealed class TemporaryCodeFactor(Core.Mfa.TemporaryCodes.TemporaryCodes codes) : ICodeFactor, ITemporaryCodeStatus
{
    public Factor Factor => Factor.TemporaryCode;

    public Task<CodePrompt> PrepareAsync(DirectoryUser user, PendingLogin pending, bool resend, CancellationToken ct) =>
        Task.FromResult(new CodePrompt("Enter the temporary code your help desk gave you.") { MaxLength = 11 });

    public async Task<bool> VerifyAsync(DirectoryUser user, PendingLogin pending, string code, CancellationToken ct) =>
        (await codes.VerifyAsync(user.Id, code, pending.Workflow, ct)).Succeeded;

    public async Task<bool> HasActiveCodeAsync(DirectoryUser user, CancellationToken ct) =>
        await codes.FindAsync(user.Id, ct) is { State: TemporaryCodeState.Active };
}
