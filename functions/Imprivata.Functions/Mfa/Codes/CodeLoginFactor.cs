using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Core.Sessions;
using Imprivata.Functions.Login;

namespace Imprivata.Functions.Mfa.Codes;

/// <summary>
/// The /login/mfa/sms and /login/mfa/email steps on the framework's shared code page. A code is sent when the step is first
/// shown and on "Send a new code"; later GETs (reloads, the page after a wrong code) do not send again.
/// </summary>
public sealed class CodeLoginFactor(CodeChannel channel, CodeSignIns signIns, OneTimeCodeOptions options) : ICodeFactor
{
    private string SentKey => Factor.Name() + ".sent";
    private string EnrollmentKey => Factor.Name() + ".enrollment";

    public Factor Factor => channel.Factor();

    public async Task<CodePrompt> PrepareAsync(DirectoryUser user, PendingLogin pending, bool resend, CancellationToken ct)
    {
        var enrolled = await signIns.EnrolledAsync(user.Id, channel, ct).ConfigureAwait(false);
        var target = enrolled.FirstOrDefault(e => pending.State.TryGetValue(EnrollmentKey, out var id) && e.Id == id) ?? enrolled.FirstOrDefault();
        if (target is null)
            return new CodePrompt(Instruction(null)) { Error = channel == CodeChannel.Sms ? "No phone number is set up for codes." : "No e-mail address is set up for codes." };
        var masked = Destinations.Mask(channel, target.Destination!);
        if (!resend && pending.State.ContainsKey(SentKey))
            return Prompt(masked, null, null);

        var issue = await signIns.SendAsync(user.Id, target.Id, ct).ConfigureAwait(false);
        if (!issue.Succeeded)
            return Prompt(masked, null, issue.Error == CodeErrors.Throttled
                ? "Too many codes were sent. Wait a few minutes, then ask for a new code."
                : "The code could not be sent. Try again later or use another method.");
        return Prompt(masked, new Dictionary<string, string> { [SentKey] = "1", [EnrollmentKey] = target.Id }, null);
    }

    public async Task<bool> VerifyAsync(DirectoryUser user, PendingLogin pending, string code, CancellationToken ct) =>
        (await signIns.VerifyAsync(user.Id, channel, code, ct).ConfigureAwait(false)).Succeeded;

    private CodePrompt Prompt(string masked, IReadOnlyDictionary<string, string>? state, string? error) =>
        new(Instruction(masked), $"The code expires {(int)Math.Ceiling(options.Lifetime.TotalMinutes)} minutes after it was sent.", CanResend: true)
        {
            State = state,
            Error = error,
            MaxLength = options.Digits,
        };

    private string Instruction(string? masked) => masked is null
        ? "Enter the code we sent you."
        : channel == CodeChannel.Sms ? $"Enter the code we sent by text message to {masked}." : $"Enter the code we e-mailed to {masked}.";
}
