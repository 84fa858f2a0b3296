using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Sessions;

namespace Imprivata.Functions.Login;

/// <summary>
/// A second factor the user completes by typing a code (OTP token, SMS, e-mail, temporary code). The framework renders
/// one page for all of them at /login/mfa/{factor}; each method only prepares (e.g. sends) and verifies.
/// </summary>
public interface ICodeFactor
{
    Factor Factor { get; }

    /// <summary>Runs when the step page is shown (resend = the user asked for a new code). Sends what must be sent.</summary>
    Task<CodePrompt> PrepareAsync(DirectoryUser user, PendingLogin pending, bool resend, CancellationToken ct);

    /// <summary>True when the code is right; consumes it (single use / replay protection is the method's job).</summary>
    Task<bool> VerifyAsync(DirectoryUser user, PendingLogin pending, string code, CancellationToken ct);
}

/// <summary>What the code page says: the instruction, an optional hint (masked destination), and state to keep in the pending login.</summary>
public sealed record CodePrompt(string Instruction, string? Hint = null, bool CanResend = false)
{
    /// <summary>Merged into <see cref="PendingLogin.State"/> (e.g. the id of the code just sent).</summary>
    public IReadOnlyDictionary<string, string>? State { get; init; }
    /// <summary>Shown instead of the form's normal text when the method could not prepare (rate limit, no destination).</summary>
    public string? Error { get; init; }
    /// <summary>Digits the input should expect (for the keyboard hint and length).</summary>
    public int MaxLength { get; init; } = 10;
}
