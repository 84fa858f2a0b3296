using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa.Push;
using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>What a signed-in user's enrollment page shows: the QR code (PNG data URI) of the approver enrollment URL.</summary>
/// <param name="Url">{PublicBaseUrl}/approve/enroll#{token}: the token rides in the fragment, which browsers never send to servers or in Referer.</param>
/// <param name="Handle">For <see cref="ApproverInvites.ProgressAsync"/>; not a secret, reveals nothing of the token.</param>
public sealed record ApproverInvite(string Url, string QrCodeDataUri, string Handle, DateTimeOffset ExpiresAt);

/// <summary>Issues approver enrollment invitations for the login's enrollment step and tells it when the phone registered.</summary>
public sealed class ApproverInvites(PushEnrollment enrollment, IOptions<ServiceOptions> options)
{
    public const string EnrollPath = "approve/enroll";

    public async Task<ApproverInvite> IssueAsync(DirectoryUser user, CancellationToken ct)
    {
        var invite = await enrollment.IssueAsync(user.Id, user.Username, ct);
        var url = new Uri(options.Value.PublicBase, EnrollPath) + "#" + invite.Token;
        return new ApproverInvite(url, QrCodeImage.PngDataUri(url), invite.Handle, invite.ExpiresAt);
    }

    /// <summary>Waiting, Completed (with the new enrollment id), Expired, or Unknown (not this user's handle).</summary>
    public Task<(PushEnrollmentProgress Progress, string? EnrollmentId)> ProgressAsync(string userId, string handle, CancellationToken ct) =>
        enrollment.StatusAsync(userId, handle, ct);

}
