using Imprivata.Core.Policies;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Functions.Audit;

namespace Imprivata.Functions.Mfa.TemporaryCodes;

/// <summary>
/// The login step's entry point for a temporary code: verifies it for the workflow and writes the "mfa.temporary_code"
/// audit event for every use and every refusal (never the code). Throttling of failures is the caller's.
/// </summary>
public sealed class TemporaryCodeSignIn(Core.Mfa.TemporaryCodes.TemporaryCodes codes, AuditTrail audit)
{
    public async Task<TemporaryCodeResult> VerifyAsync(HttpContext http, DirectoryUser user, string code, WorkflowKind workflow, string? clientId = null)
    {
        var result = await codes.VerifyAsync(user.Id, code, workflow, http.RequestAborted);
        await audit.WriteAsync(http, AuditKinds.MfaTemporaryCode, result.Succeeded ? AuditResults.Success : AuditResults.Failure, result.Error ?? AuditReasons.Ok,
            username: user.Username, userId: user.Id, clientId: clientId, methods: Factor.TemporaryCode.Name(),
            detail: "workflow=" + workflow + (result.Code is { } c ? ";issued_by=" + c.IssuedBy + ";uses=" + c.UseCount : ""));
        return result;
    }
}
