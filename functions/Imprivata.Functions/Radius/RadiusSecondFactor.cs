using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.Policies;
using Imprivata.Core.Radius;

namespace Imprivata.Functions.Radius;

/// <summary>One entry of the method choice: what the gateway shows and the factors behind it ("code" is any typed code).</summary>
public sealed record RadiusMethod(string Label, IReadOnlyList<Factor> Factors);

/// <summary>
/// The second factor the policy engine asked for, over RADIUS: a push held until it is decided, or an Access-Challenge whose
/// answer comes back in the next request's password (a code, the method choice, or "continue" after number matching). Every
/// typed code counts toward the account's second-factor throttle shared with the web sign-in.
/// </summary>
public sealed class RadiusSecondFactor(
    RadiusChallenges challenges,
    RadiusPushes pushes,
    OtpTokenVerifier otp,
    CodeSignIns codes,
    Core.Mfa.TemporaryCodes.TemporaryCodes temporaryCodes,
    AccountThrottle throttle)
{
    /// <summary>Factors that work over RADIUS (WebAuthn needs a browser).</summary>
    private static readonly Factor[] OverRadius = [Factor.Push, Factor.OtpToken, Factor.Sms, Factor.Email, Factor.TemporaryCode];

    /// <summary>The methods offered for this plan at this client, in the plan's order.</summary>
    public static IReadOnlyList<RadiusMethod> MethodsFor(AuthenticationPlan plan, RadiusClientProfile client)
    {
        var factors = plan.SecondFactors.Where(OverRadius.Contains).Distinct().ToList();
        // A gateway that cannot show a challenge can only wait for a push.
        if (!client.Challenges)
            factors = [.. factors.Where(f => f == Factor.Push)];
        var methods = new List<RadiusMethod>();
        foreach (var factor in factors)
        {
            switch (factor)
            {
                case Factor.Push: methods.Add(new("push", [Factor.Push])); break;
                case Factor.Sms: methods.Add(new("SMS", [Factor.Sms])); break;
                case Factor.Email: methods.Add(new("e-mail", [Factor.Email])); break;
                default:
                    // An OTP token and a temporary code are both "a code": one entry, checked as either.
                    var typed = factors.Where(f => f is Factor.OtpToken or Factor.TemporaryCode).ToList();
                    if (!methods.Any(m => m.Label == "code"))
                        methods.Add(new("code", typed));
                    break;
            }
        }
        return methods;
    }

    public async Task<RadiusOutcome> BeginAsync(RadiusAttemptContext attempt, AuthenticationPlan plan, CancellationToken ct)
    {
        if (await throttle.RetryAfterAsync(attempt.User.Id, ct).ConfigureAwait(false) > TimeSpan.Zero)
            return RadiusOutcome.Reject(Core.Audit.AuditReasons.Throttled, RadiusTexts.Throttled, attempt.User.Id, attempt.Proven);
        var methods = MethodsFor(plan, attempt.Client);
        return methods.Count switch
        {
            0 => RadiusOutcome.Reject(RadiusReasons.NoUsableFactor, RadiusTexts.NoMethod, attempt.User.Id, attempt.Proven),
            1 => await StartAsync(attempt, methods[0], plan, ct).ConfigureAwait(false),
            _ => await challenges.IssueAsync(attempt, RadiusChallengeKind.MethodChoice, [.. methods.SelectMany(m => m.Factors)],
                RadiusTexts.Choice(methods.Select(m => m.Label)), RadiusReasons.MethodChoice, ct).ConfigureAwait(false),
        };
    }

    /// <summary>The answer to an earlier challenge (its State already checked and used up), under the plan as it is now.</summary>
    public async Task<RadiusOutcome> AnswerAsync(RadiusAttemptContext attempt, RadiusChallenge challenge, AuthenticationPlan plan, string? answer,
        CancellationToken ct)
    {
        var userId = attempt.User.Id;
        switch (challenge.Kind)
        {
            case RadiusChallengeKind.NumberMatch:
                return await pushes.WaitAsync(userId, challenge.NasAddress, challenge.PushChallengeId, attempt.Request.ReplyTo, attempt.Proven, ct).ConfigureAwait(false);
            case RadiusChallengeKind.MethodChoice:
                var methods = MethodsFor(plan, attempt.Client);
                var picked = Pick(methods, answer);
                return picked is null
                    ? RadiusOutcome.Reject(RadiusReasons.InvalidChoice, RadiusTexts.Denied, userId, attempt.Proven)
                    : await StartAsync(attempt, picked, plan, ct).ConfigureAwait(false);
            default:
                return await VerifyCodeAsync(attempt, challenge, plan, answer, ct).ConfigureAwait(false);
        }
    }

    private async Task<RadiusOutcome> StartAsync(RadiusAttemptContext attempt, RadiusMethod method, AuthenticationPlan plan, CancellationToken ct)
    {
        var userId = attempt.User.Id;
        if (method.Factors is [Factor.Push])
        {
            // Number matching needs the gateway to show the number; a gateway that cannot gets a plain push.
            var numberMatching = plan.NumberMatching && attempt.Client.Challenges;
            var start = await pushes.StartAsync(attempt, numberMatching, numberMatching ? null : attempt.Request.ReplyTo, ct).ConfigureAwait(false);
            if (start.Settled is { } settled)
                return settled;
            if (numberMatching && start.Wait!.MatchNumber is { } number)
                return await challenges.IssueAsync(attempt, RadiusChallengeKind.NumberMatch, [Factor.Push], RadiusTexts.MatchNumber(number),
                    RadiusReasons.NumberMatching, ct, start.Wait.ChallengeId).ConfigureAwait(false);
            if (numberMatching)
            {
                // The user's push at this NAS went out without a number: this request waits for it like the others.
                start = await pushes.StartAsync(attempt, numberMatching: false, attempt.Request.ReplyTo, ct).ConfigureAwait(false);
                if (start.Settled is { } joined)
                    return joined;
            }
            return pushes.HoldFor(start.Wait!);
        }
        if (method.Factors is [Factor.Sms or Factor.Email] && CodeChannels.TryFrom(method.Factors[0], out var channel))
        {
            var target = (await codes.EnrolledAsync(userId, channel, ct).ConfigureAwait(false)).FirstOrDefault();
            var sent = target is null ? null : await codes.SendAsync(userId, target.Id, ct).ConfigureAwait(false);
            if (target is null || sent is not { Succeeded: true })
                return RadiusOutcome.Reject(RadiusReasons.CodeNotSent, RadiusTexts.CodeNotSent, userId, attempt.Proven);
            var masked = Destinations.Mask(channel, target.Destination!);
            return await challenges.IssueAsync(attempt, RadiusChallengeKind.Code, method.Factors,
                channel == CodeChannel.Sms ? RadiusTexts.SmsCode(masked) : RadiusTexts.EmailCode(masked), RadiusReasons.ChallengeSent, ct).ConfigureAwait(false);
        }
        var text = method.Factors switch
        {
            [Factor.TemporaryCode] => RadiusTexts.TemporaryCode,
            [Factor.OtpToken] => RadiusTexts.OtpCode,
            _ => RadiusTexts.AnyCode,
        };
        return await challenges.IssueAsync(attempt, RadiusChallengeKind.Code, method.Factors, text, RadiusReasons.ChallengeSent, ct).ConfigureAwait(false);
    }

    private async Task<RadiusOutcome> VerifyCodeAsync(RadiusAttemptContext attempt, RadiusChallenge challenge, AuthenticationPlan plan, string? answer,
        CancellationToken ct)
    {
        var userId = attempt.User.Id;
        if (string.IsNullOrWhiteSpace(answer))
            return RadiusOutcome.Reject(RadiusReasons.NoAnswer, RadiusTexts.WrongCode, userId, attempt.Proven);
        // The policy may have changed since the challenge: only factors it still allows are checked.
        var factors = challenge.Factors.Where(plan.SecondFactors.Contains).ToList();
        if (factors.Count == 0)
            return RadiusOutcome.Reject(RadiusReasons.FactorNotOffered, RadiusTexts.Denied, userId, attempt.Proven);
        // NIST SP 800-63B 5.2.2: one throttle per account for every channel (web, RADIUS); the attempt is counted before the
        // code is checked, so parallel answers (several gateways, several edges) cannot check more codes than it allows.
        var reservation = await throttle.ReserveAsync(userId, ct).ConfigureAwait(false);
        if (!reservation.Granted)
            return RadiusOutcome.Reject(reservation.Contended ? Core.Audit.AuditReasons.Contended : Core.Audit.AuditReasons.Throttled,
                RadiusTexts.Throttled, userId, attempt.Proven);
        foreach (var factor in factors)
        {
            if (await VerifyAsync(userId, factor, answer, ct).ConfigureAwait(false))
            {
                await throttle.RecordSuccessAsync(userId, reservation, ct).ConfigureAwait(false);
                return RadiusOutcome.Accept(RadiusReasons.CodeAccepted, challenge.Attributes, userId, attempt.With(factor.Name()));
            }
        }
        return RadiusOutcome.Reject(RadiusReasons.WrongCode, RadiusTexts.WrongCode, userId, attempt.Proven);
    }

    private async Task<bool> VerifyAsync(string userId, Factor factor, string code, CancellationToken ct) => factor switch
    {
        Factor.OtpToken => (await otp.VerifyAsync(userId, code, ct).ConfigureAwait(false)).Succeeded,
        Factor.Sms => (await codes.VerifyAsync(userId, CodeChannel.Sms, code, ct).ConfigureAwait(false)).Succeeded,
        Factor.Email => (await codes.VerifyAsync(userId, CodeChannel.Email, code, ct).ConfigureAwait(false)).Succeeded,
        Factor.TemporaryCode => (await temporaryCodes.VerifyAsync(userId, code, WorkflowKind.RemoteAccess, ct).ConfigureAwait(false)).Succeeded,
        _ => false,
    };

    /// <summary>The method a typed answer picks: its number ("2") or its label ("sms").</summary>
    private static RadiusMethod? Pick(IReadOnlyList<RadiusMethod> methods, string? answer)
    {
        var typed = (answer ?? "").Trim();
        if (int.TryParse(typed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= methods.Count)
            return methods[n - 1];
        return methods.FirstOrDefault(m => string.Equals(m.Label, typed, StringComparison.OrdinalIgnoreCase));
    }
}
