using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Audit;
using Imprivata.Core.Eam;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Login;
using Imprivata.Functions.Oidc;

namespace Imprivata.Functions.Eam;

/// <summary>
/// Entra's authorization request (a browser form POST): request rules -> the hint -> single use -> the user -> the policy
/// engine's second-factor-only plan -> the login's factor pages. Until the redirect URI is trusted, refusals are error pages;
/// after it, access_denied is posted back to Entra. Every outcome is audited once.
/// </summary>
public sealed class EamAuthorizeEndpoint(
    IEamProfileStore profiles,
    IEamRequestStore requests,
    EntraHintValidator hints,
    EntraUserMapping users,
    PolicyEngine engine,
    MfaLogin mfa,
    AuditTrail audit,
    TimeProvider time)
{
    public static readonly TimeSpan RequestLifetime = MfaLogin.Lifetime;

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        // Entra always posts (response_mode form_post request, Microsoft Learn); a GET would put the hint in URLs and logs.
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.HasFormContentType)
            return await BadRequestAsync(http, null, new("invalid_request", "This sign-in request must be posted by Microsoft Entra ID."));
        var form = new EamForm((await http.Request.ReadFormAsync(ct)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal));
        var clientId = form["client_id"];
        var profile = clientId is null ? null : await profiles.FindAsync(clientId, ct);
        var context = new EamRequestRules.Context(form, profile);
        if (EamRequestRules.FirstBroken(context) is { } broken)
            return await BadRequestAsync(http, clientId, broken);

        // From here the redirect URI is one of Entra's own: refusals are posted there as access_denied.
        var redirectUri = form["redirect_uri"]!;
        var state = form["state"];
        async Task<IResult> DenyAsync(string reason, string? detail = null, DirectoryUser? user = null)
        {
            await audit.WriteAsync(http, AuditKinds.EamAuthorize, AuditResults.Failure, reason, username: user?.Username, userId: user?.Id,
                clientId: profile!.ClientId, detail: detail);
            return EamAnswer.AccessDenied(http, redirectUri, state);
        }

        var nonce = form["nonce"];
        if (nonce is not { Length: > 0 and <= 512 })
            return await DenyAsync(AuditReasons.InvalidRequest, "nonce missing");
        // The acr and amr Entra will accept: missing, malformed or empty lists can never be satisfied.
        var claims = EamClaimsRequest.Parse(form["claims"]);
        if (claims is null)
            return await DenyAsync("claims_unsatisfiable", "claims missing or malformed");

        var hintText = form["id_token_hint"];
        var verdict = await hints.ValidateAsync(hintText, context.Cloud!, profile!, ct);
        if (verdict.Hint is not { } hint)
            return await DenyAsync(verdict.Reason, verdict.Detail);

        var now = time.GetUtcNow();
        // Single use: the same (nonce, hint) pair is accepted once within the hint's useful life (Entra's ~5 min state).
        if (!await requests.TryUseOnceAsync(UseKey("request", nonce + "\n" + hintText), now + RequestLifetime + TimeSpan.FromMinutes(5), ct))
            return await DenyAsync("replayed", $"tid {hint.TenantId} oid {hint.ObjectId}");

        var user = await users.FindAsync(hint, profile!, ct);
        if (user is null || !user.Enabled)
            return await DenyAsync(user is null ? AuditReasons.UnknownUser : AuditReasons.UserDisabled, $"tid {hint.TenantId} oid {hint.ObjectId}", user);

        // The policy engine decides the second factor (Second factor only workflow); nothing here re-decides it.
        var plan = await engine.PlanAsync(user, WorkflowKind.SecondFactorOnly, ct);
        if (plan.Outcome != PlanOutcome.SecondFactor)
            return await DenyAsync(plan.Reason, "plan " + plan.Outcome, user);
        if (!plan.SecondFactors.Any(f => EamMethodClaims.For(f, claims) is not null))
            return await DenyAsync("claims_unsatisfiable", "no offered factor fits the requested acr/amr", user);

        var request = new EamRequest
        {
            Id = SsoSessions.Base64Url(RandomNumberGenerator.GetBytes(32)),
            ClientId = profile!.ClientId,
            RedirectUri = redirectUri,
            State = state,
            Nonce = nonce,
            Subject = hint.Subject,
            TenantId = hint.TenantId,
            ObjectId = hint.ObjectId,
            UserId = user.Id,
            Claims = claims,
            CreatedAt = now,
            ExpiresAt = now + RequestLifetime,
        };
        await requests.SaveAsync(request, ct);
        await audit.WriteAsync(http, AuditKinds.EamAuthorize, AuditResults.Success, plan.Reason, username: user.Username, userId: user.Id,
            clientId: profile.ClientId, detail: $"tid {hint.TenantId} client-request-id {Bounded(form["client-request-id"])}");
        return await mfa.BeginAsync(http, user, $"{EamEndpoints.CompletePath}/{request.Id}", profile.ClientId, WorkflowKind.SecondFactorOnly);
    }

    private async Task<IResult> BadRequestAsync(HttpContext http, string? clientId, EamRequestRules.Broken broken)
    {
        await audit.WriteAsync(http, AuditKinds.EamRequest, AuditResults.Failure, broken.Reason, clientId: Bounded(clientId));
        return OidcResults.ErrorPage(http, "Sign-in request not valid", broken.Message, code: broken.Reason);
    }

    /// <summary>A digest, so a hint never lands in storage and the key fits a table key.</summary>
    internal static string UseKey(string kind, string value) =>
        kind + "-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string? Bounded(string? value) => value is null ? null : value.Length <= 64 ? value : value[..64];
}
