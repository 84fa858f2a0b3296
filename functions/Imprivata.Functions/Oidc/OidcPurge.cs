using Imprivata.Functions.Hosting;
using OpenIddict.Abstractions;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Deletes spent and expired codes and tokens (and authorizations left without tokens). A day's margin keeps recently
/// redeemed codes and rotated refresh tokens around long enough to detect their replay (RFC 9700 4.14.2).
/// </summary>
internal sealed class OidcPurge(IServiceProvider services) : IPurgeTask
{
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromDays(1);

    public string Name => "oidc-tokens";

    public async Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var tokens = services.GetRequiredService<IOpenIddictTokenManager>();
        var authorizations = services.GetRequiredService<IOpenIddictAuthorizationManager>();
        var threshold = now - ReplayWindow;
        var removed = await tokens.PruneAsync(threshold, ct);
        removed += await authorizations.PruneAsync(threshold, ct);
        return (int)Math.Min(removed, int.MaxValue);
    }
}
