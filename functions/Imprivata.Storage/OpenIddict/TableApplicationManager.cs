using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// OpenIddict's application manager (the name is OpenIddict's), with its client secret check remembered per instance for
/// secrets that already passed it (see <see cref="VerifiedClientSecrets"/>); everything else is OpenIddict's own.
/// </summary>
public sealed class TableApplicationManager(
    IOpenIddictApplicationCache<TableApplication> cache,
    ILogger<OpenIddictApplicationManager<TableApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TableApplication> store,
    VerifiedClientSecrets verified) : OpenIddictApplicationManager<TableApplication>(cache, logger, options, store)
{
    protected override async ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrEmpty(secret) && !string.IsNullOrEmpty(comparand) && verified.Contains(secret, comparand))
            return true;
        // RFC 6749 2.3.1: the full check (OpenIddict's PBKDF2, fixed-time comparison) for anything not already proven.
        if (!await base.ValidateClientSecretAsync(secret, comparand, cancellationToken).ConfigureAwait(false))
            return false;
        verified.Add(secret, comparand);
        return true;
    }
}
