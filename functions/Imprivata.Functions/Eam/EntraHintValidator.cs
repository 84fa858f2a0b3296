using System.Collections.Concurrent;
using Imprivata.Core.Eam;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Microsoft.IdentityModel.Validators;

namespace Imprivata.Functions.Eam;

/// <summary>What a valid hint says about the user (OIDC Core 3.1.2.1 id_token_hint; Entra EAM provider contract).</summary>
public sealed record EntraHint(string TenantId, string ObjectId, string Subject, string? PreferredUsername, DateTimeOffset IssuedAt);

/// <summary>A hint's verdict: the hint, or the audit reason and detail of its first broken rule (fail closed: default is refusal).</summary>
public sealed record HintVerdict(EntraHint? Hint, string Reason, string? Detail = null)
{
    public bool Valid => Hint is not null;
}

/// <summary>
/// Validates Entra's id_token_hint with Microsoft's own validators: signature by a key of the cloud's published JWKS (fetched
/// from that cloud's metadata and cached; never a key the token names), RS256 only, issuer by AadIssuerValidator against the
/// cloud's v2.0 template with the token's tid, the signing key's own issuer (EnableAadSigningKeyIssuerValidation), aud = the
/// profile's App ID. Expiry is not judged (Entra issues hints already expired); iat must be recent instead.
/// </summary>
public sealed class EntraHintValidator(IOptions<EamOptions> options, TimeProvider time, ILogger<EntraHintValidator> logger)
{
    public const string Invalid = "hint_invalid";
    public const string Stale = "hint_stale";
    public const string ClaimsMissing = "hint_claims_missing";
    public const string TenantNotAllowed = "tenant_not_allowed";

    private static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _metadata = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _handler = new();

    public async Task<HintVerdict> ValidateAsync(string? hint, EntraCloud cloud, EamProfile profile, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(hint) || hint.Length > 16 * 1024)
            return new(null, Invalid, "missing or oversized");
        var metadataUrl = options.Value.MetadataUrlOf(cloud);
        var manager = _metadata.GetOrAdd(metadataUrl, CreateManager);
        var parameters = new TokenValidationParameters
        {
            // RFC 8725 3.1: one algorithm, the one Entra signs with; none and HS256 never verify.
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            // Keys come only from the cloud's metadata (the manager); kid must name one of them.
            ConfigurationManager = manager,
            TryAllIssuerSigningKeys = false,
            ValidateIssuer = true,
            ValidIssuer = cloud.IssuerTemplate,
            // Keyed by the metadata URL: the validator asks our manager, never a host of its own choosing.
            IssuerValidator = AadIssuerValidator.GetAadIssuerValidator(metadataUrl, null, _ => manager).Validate,
            ValidateAudience = true,
            ValidAudience = profile.AppId,
            // Issued expired by design (exp can be iat - 1): freshness is judged by iat below.
            ValidateLifetime = false,
            RequireExpirationTime = false,
        };
        // Entra's keys carry their own issuer: a key of one tenant (or cloud) must not vouch for another's tokens.
        parameters.EnableAadSigningKeyIssuerValidation();

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(hint, parameters).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Entra id_token_hint validation failed unexpectedly");
            return new(null, Invalid, "unreadable");
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            logger.LogInformation("Entra id_token_hint refused: {Failure}", result.Exception?.GetType().Name);
            return new(null, Invalid, result.Exception?.GetType().Name);
        }
        return Judge(token, profile);
    }

    private HintVerdict Judge(JsonWebToken token, EamProfile profile)
    {
        string? Claim(string type) => token.TryGetPayloadValue<string>(type, out var v) && !string.IsNullOrEmpty(v) ? v : null;
        var tid = Claim("tid");
        var oid = Claim("oid");
        var sub = Claim("sub");
        if (tid is null || oid is null || sub is null || !token.TryGetPayloadValue<long>("iat", out var iat))
            return new(null, ClaimsMissing, "tid, oid, sub and iat are required");
        if (Claim("ver") is { } ver && ver != "2.0")
            return new(null, Invalid, "ver " + ver);
        // The tenant allowlist of the profile: only tenants the administrator named may send users here.
        if (!Guid.TryParse(tid, out var tenant) || !profile.TenantIds.Contains(tenant.ToString("D"), StringComparer.OrdinalIgnoreCase))
            return new(null, TenantNotAllowed, tid.Length <= 64 ? tid : null);
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        var now = time.GetUtcNow();
        if (issuedAt > now + FutureSkew || now - issuedAt > options.Value.HintMaxAge)
            return new(null, Stale, $"iat {issuedAt:O}");
        return new(new EntraHint(tenant.ToString("D"), oid, sub, Claim("preferred_username"), issuedAt), "ok");
    }

    private static ConfigurationManager<OpenIdConnectConfiguration> CreateManager(string metadataUrl)
    {
        var uri = new Uri(metadataUrl);
        // https always; plain http only to a loopback test authority (EamOptions refuses anything else at start).
        var retriever = new HttpDocumentRetriever { RequireHttps = !uri.IsLoopback };
        return new ConfigurationManager<OpenIdConnectConfiguration>(metadataUrl, new OpenIdConnectConfigurationRetriever(), retriever);
    }
}
