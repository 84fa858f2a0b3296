using Imprivata.Functions.Audit;
using System.Security.Cryptography;
using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Core.Keys;
using Imprivata.Core.Sessions;
using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// OIDC Back-Channel Logout 1.0: when an SSO session ends (RP-initiated logout, or another user signing in in the same browser,
/// the shared-workstation case), every app that received tokens in it and registered a back-channel logout URI is told so
/// server to server with a signed logout token, and can end its own session of that user. Apps are told in parallel, each
/// within <see cref="Timeout"/>; every delivery is audited (AuditKinds.OidcBackchannelLogout), and a failed one never keeps the
/// user signed in here.
/// </summary>
public sealed class BackchannelLogout(
    IAppProfileStore profiles, ISigningKeyRing ring, IHttpClientFactory clients, IAuditLog audit, IOptions<ServiceOptions> options, TimeProvider time)
{
    public const string HttpClientName = "backchannel-logout";
    public const string AuditKind = AuditKinds.OidcBackchannelLogout;
    public const string EventType = "http://schemas.openid.net/event/backchannel-logout";
    public const string TokenType = "logout+jwt";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    /// <summary>Spec section 2.4: short-lived; two minutes covers the delivery and clock skew.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(2);
    private static readonly JsonWebTokenHandler Tokens = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Tells the apps of an ended session; returns when each has answered, failed or timed out.</summary>
    public Task NotifyAsync(HttpContext http, SsoSession ended) =>
        NotifyAsync(ended, new AuditOrigin(http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier, Actor: null));

    /// <param name="origin">Who ended the session (an administrator's action names them), for the audit.</param>
    public async Task NotifyAsync(SsoSession ended, AuditOrigin origin)
    {
        var targets = new List<(string ClientId, Uri Uri)>();
        foreach (var clientId in ended.ClientIds.Distinct(StringComparer.Ordinal))
            if (await profiles.FindAsync(clientId, CancellationToken.None) is { BackchannelLogoutUri: { } uri })
                targets.Add((clientId, uri));
        if (targets.Count == 0)
            return;
        var key = await ring.GetActiveKeyAsync(CancellationToken.None);
        var outcomes = await Task.WhenAll(targets.Select(t => SendAsync(ended, t.ClientId, t.Uri, key)));
        // The apps were told: their audit must not be lost because the browser went away meanwhile (no request token).
        foreach (var (clientId, uri, reason) in outcomes)
            await audit.AppendAsync(new AuditEvent
            {
                Time = time.GetUtcNow(),
                Kind = AuditKind,
                Result = reason == AuditReasons.Ok ? AuditResults.Success : AuditResults.Failure,
                Reason = reason,
                UserId = ended.UserId,
                ClientId = clientId,
                Detail = uri.GetLeftPart(UriPartial.Path),
                Ip = origin.Ip,
                RequestId = origin.RequestId,
                Actor = origin.Actor,
            }, CancellationToken.None);
    }

    /// <summary>The logout token (section 2.4): iss, aud, iat, exp, jti, sub, sid, the logout event; never a nonce.</summary>
    public string CreateToken(SsoSession ended, string clientId, SigningKey key)
    {
        var now = time.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = ended.UserId,
            [JwtRegisteredClaimNames.Jti] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
            [JwtRegisteredClaimNames.Exp] = (now + TokenLifetime).ToUnixTimeSeconds(),
            ["events"] = new Dictionary<string, object> { [EventType] = new Dictionary<string, object>() },
        };
        if (ended.Sid.Length > 0)
            claims["sid"] = ended.Sid;
        return Tokens.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.PublicBase.ToString(),
            Audience = clientId,
            Claims = claims,
            TokenType = TokenType,
            SigningCredentials = SignWithActiveKey.CredentialsFor(key),
        });
    }

    private async Task<(string ClientId, Uri Uri, string Reason)> SendAsync(SsoSession ended, string clientId, Uri uri, SigningKey key)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", CreateToken(ended, clientId, key))]),
            };
            // Only the status matters: the body is never read.
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            // Section 2.8: 200 OK on success (204 is common too); anything else is the app's refusal.
            return (clientId, uri, response.IsSuccessStatusCode ? AuditReasons.Ok : "status_" + (int)response.StatusCode);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (clientId, uri, "timeout");
        }
        catch (HttpRequestException)
        {
            return (clientId, uri, "unreachable");
        }
    }
}
