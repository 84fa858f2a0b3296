using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// RFC 6749 4.1.2.1 / 5.2: error_uri is optional. OpenIddict points it at its own documentation site, which would send our
/// users and relying parties to a third party's pages about its internals; our errors carry error and error_description
/// only. Runs after OpenIddict attached an error (its own, or a challenge/forbid of our endpoints). Its error id (the last
/// segment, e.g. ID2010) is kept on the transaction for the audit (<see cref="OidcErrorAudit"/>).
/// </summary>
internal sealed class OmitErrorUri : IOpenIddictServerHandler<ProcessErrorContext>, IOpenIddictServerHandler<ProcessChallengeContext>
{
    private const string ErrorIdProperty = ".imprivata_error_id";

    public ValueTask HandleAsync(ProcessErrorContext context) => Omit(context.Transaction, context.Response);

    public ValueTask HandleAsync(ProcessChallengeContext context) => Omit(context.Transaction, context.Response);

    private static ValueTask Omit(OpenIddictServerTransaction transaction, OpenIddictResponse response)
    {
        if (response.ErrorUri is { } uri)
        {
            transaction.SetProperty(ErrorIdProperty, uri[(uri.LastIndexOf('/') + 1)..]);
            response.ErrorUri = null;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>OpenIddict's id of the error this transaction answered (e.g. ID2010), when it gave one.</summary>
    public static string? ErrorIdOf(OpenIddictServerTransaction transaction) => transaction.GetProperty<string>(ErrorIdProperty);
}
