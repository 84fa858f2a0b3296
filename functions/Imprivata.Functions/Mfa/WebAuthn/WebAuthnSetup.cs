using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Functions.Infrastructure;
using Imprivata.Storage.Mfa;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Mfa.WebAuthn;

/// <summary>WebAuthn credentials as a second factor: the relying party from PublicBaseUrl, challenges in Tables.</summary>
public static class WebAuthnSetup
{
    public static void AddWebAuthn(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IWebAuthnChallengeStore, TableWebAuthnChallengeStore>();
        builder.Services.AddSingleton(sp =>
        {
            var publicBase = sp.GetRequiredService<IOptions<ServiceOptions>>().Value.PublicBase;
            var rp = WebAuthnRelyingParty.FromPublicBase(publicBase, publicBase.Host);
            if (rp is null)
                sp.GetRequiredService<ILogger<WebAuthnCeremonies>>().LogWarning(
                    "WebAuthn is unavailable: the public base URL {PublicBase} is an IP address or plain http off localhost; browsers refuse it as a relying party",
                    publicBase);
            return new WebAuthnCeremonies(sp.GetRequiredService<Core.Mfa.IEnrollmentStore>(), sp.GetRequiredService<IWebAuthnChallengeStore>(), rp,
                sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton<Hosting.IPurgeTask, WebAuthnChallengePurge>();
    }

    public const string ScriptPath = "/assets/webauthn.js";
}

/// <summary>Removes challenges nobody completed (the PurgeExpired timer calls every purge task).</summary>
internal sealed class WebAuthnChallengePurge(IWebAuthnChallengeStore store) : Hosting.IPurgeTask
{
    public string Name => "webauthn-challenges";
    public Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct) => store.PurgeExpiredAsync(now, ct);
}
