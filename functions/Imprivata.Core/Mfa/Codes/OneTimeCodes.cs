using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Core.Mfa.Codes;

/// <summary>
/// Issues and checks SMS and e-mail codes: random digits, a keyed hash at rest, at most one live code per user, channel
/// and purpose (a resend voids the previous), single use and an attempts cap enforced by conditional writes, and send
/// limits per user and per destination. The code itself leaves this class only inside the message to the user.
/// </summary>
public sealed class OneTimeCodes(IOneTimeCodeStore store, ICodeSendLog sendLog, ICodeHashKey hashKey, ISmsSender sms,
    IEmailSender email, OneTimeCodeOptions options, TimeProvider time)
{
    // Conditional writes lose only to another writer on the same row; a few retries settle any realistic race.
    private const int MaxWriteRetries = 8;

    public OneTimeCodeOptions Options => options;

    /// <summary>Sends a new code to <paramref name="destination"/>, voiding any live code of the same user, channel and purpose.</summary>
    public async Task<CodeIssue> IssueAsync(string userId, CodeChannel channel, CodePurpose purpose, string destination, CancellationToken ct)
    {
        if (!Destinations.TryNormalize(channel, destination, out var to))
            return CodeIssue.Failed(CodeErrors.InvalidDestination);
        var now = time.GetUtcNow();
        if (await AcquireSendSlotsAsync(userId, Destinations.LimitKey(channel, to), now, ct).ConfigureAwait(false) is false)
            return CodeIssue.Failed(CodeErrors.Throttled);

        var code = NewCode(options.Digits);
        var stored = new StoredCode
        {
            UserId = userId,
            Channel = channel,
            Purpose = purpose,
            CodeId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Hash = [],
            Destination = to,
            IssuedAt = now,
            ExpiresAt = now + options.Lifetime,
        };
        stored = stored with { Hash = await HashAsync(stored, code, ct).ConfigureAwait(false) };
        // Stored before sending: a code the user can read is always one the service can check.
        await store.PutAsync(stored, ct).ConfigureAwait(false);

        var sent = await SendAsync(channel, purpose, to, code, ct).ConfigureAwait(false);
        if (!sent.Succeeded)
        {
            await VoidAsync(userId, channel, purpose, stored.CodeId, ct).ConfigureAwait(false);
            return CodeIssue.Failed(CodeErrors.SendFailed);
        }
        return new CodeIssue(true, null, Destinations.Mask(channel, to), stored.ExpiresAt);
    }

    /// <summary>Checks an entered code. Exactly one of several concurrent correct entries is accepted.</summary>
    public async Task<CodeCheck> VerifyAsync(string userId, CodeChannel channel, CodePurpose purpose, string? entered, CancellationToken ct)
    {
        var candidate = (entered ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();
        for (var attempt = 0; attempt < MaxWriteRetries; attempt++)
        {
            var stored = await store.FindAsync(userId, channel, purpose, ct).ConfigureAwait(false);
            if (stored is null || stored.State == CodeState.Used)
                return new CodeCheck(CodeOutcome.NoCode);
            if (stored.State == CodeState.Void || stored.Attempts >= options.MaxAttempts)
                return new CodeCheck(CodeOutcome.TooManyAttempts);
            if (time.GetUtcNow() >= stored.ExpiresAt)
                return new CodeCheck(CodeOutcome.Expired);

            var matches = IsDigits(candidate) && CryptographicOperations.FixedTimeEquals(
                await HashAsync(stored, candidate, ct).ConfigureAwait(false), stored.Hash);
            if (matches)
            {
                // Single use: the ETag makes the Active -> Used transition happen once.
                if (await store.TryUpdateAsync(stored with { State = CodeState.Used }, ct).ConfigureAwait(false) is not null)
                    return new CodeCheck(CodeOutcome.Accepted, stored.Destination);
                continue;
            }

            var attempts = stored.Attempts + 1;
            var exhausted = attempts >= options.MaxAttempts;
            var counted = stored with { Attempts = attempts, State = exhausted ? CodeState.Void : CodeState.Active };
            if (await store.TryUpdateAsync(counted, ct).ConfigureAwait(false) is not null)
                return new CodeCheck(exhausted ? CodeOutcome.TooManyAttempts : CodeOutcome.Wrong);
        }
        // Persistent contention on one user's code: answer no, never yes.
        return new CodeCheck(CodeOutcome.NoCode);
    }

    /// <summary>"Your sign-in code is 123456. It expires in 5 minutes."</summary>
    public string MessageText(CodePurpose purpose, string code)
    {
        var minutes = (int)Math.Ceiling(options.Lifetime.TotalMinutes);
        var what = purpose == CodePurpose.SignIn ? "sign-in code" : "verification code";
        return string.Create(CultureInfo.InvariantCulture, $"Your {what} is {code}. It expires in {minutes} {(minutes == 1 ? "minute" : "minutes")}.");
    }

    private async Task<bool> AcquireSendSlotsAsync(string userId, string destinationKey, DateTimeOffset now, CancellationToken ct)
    {
        var userKey = "user:" + userId;
        var userSlot = await sendLog.TryAcquireAsync(userKey, now, options.SendWindow, options.SendsPerWindow, ct).ConfigureAwait(false);
        if (userSlot is null)
            return false;
        var destinationSlot = await sendLog.TryAcquireAsync("dest:" + destinationKey, now, options.SendWindow, options.SendsPerWindow, ct).ConfigureAwait(false);
        if (destinationSlot is not null)
            return true;
        // Nothing is sent, so the user's budget is given back.
        await sendLog.ReleaseAsync(userKey, userSlot, ct).ConfigureAwait(false);
        return false;
    }

    private Task<SendResult> SendAsync(CodeChannel channel, CodePurpose purpose, string to, string code, CancellationToken ct)
    {
        var text = MessageText(purpose, code);
        if (channel == CodeChannel.Sms)
            return sms.SendAsync(new SmsMessage(to, text), ct);
        var subject = purpose == CodePurpose.SignIn ? "Your sign-in code" : "Your verification code";
        var html = $"<p>{System.Net.WebUtility.HtmlEncode(text)}</p><p>If you did not ask for this code, tell your IT helpdesk.</p>";
        return email.SendAsync(new EmailMessage(to, subject, text + "\n\nIf you did not ask for this code, tell your IT helpdesk.\n", html), ct);
    }

    private async Task VoidAsync(string userId, CodeChannel channel, CodePurpose purpose, string codeId, CancellationToken ct)
    {
        var stored = await store.FindAsync(userId, channel, purpose, ct).ConfigureAwait(false);
        if (stored is not null && stored.CodeId == codeId)
            await store.TryUpdateAsync(stored with { State = CodeState.Void }, ct).ConfigureAwait(false);
    }

    private async Task<byte[]> HashAsync(StoredCode code, string digits, CancellationToken ct)
    {
        var key = await hashKey.GetAsync(ct).ConfigureAwait(false);
        // Bound to the code's id, user, channel and purpose: a hash copied to another row never matches.
        var input = $"{code.CodeId}\n{code.UserId}\n{code.Channel.Name()}\n{code.Purpose.Name()}\n{digits}";
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(input));
    }

    private static bool IsDigits(string s) => s.Length is >= OneTimeCodeOptions.MinDigits and <= OneTimeCodeOptions.MaxDigits && !s.AsSpan().ContainsAnyExcept("0123456789");

    private static string NewCode(int digits)
    {
        // One uniform draw per digit: no modulo bias, leading zeros kept.
        var chars = new char[digits];
        for (var i = 0; i < digits; i++)
            chars[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        return new string(chars);
    }
}
