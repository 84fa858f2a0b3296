using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Audit;

namespace Imprivata.Core.Mfa.Push;

/// <summary>
/// Approver enrollment: a signed-in user gets a one-time token (QR code); the phone's approver page redeems it with its
/// device public key and receives, once, the TOTP seed for the token codes it shows. The enrollment is confirmed at once:
/// possession of the token (from the user's own signed-in session) and of the private key is the proof.
/// </summary>
public sealed class PushEnrollment(IPushEnrollmentTokenStore tokens, IEnrollmentStore enrollments, IAuditLog audit, TimeProvider time, PushOptions options)
{
    public const int MaxDeviceNameLength = 64;
    private readonly PushAudit _audit = new(audit, time);

    public async Task<PushEnrollmentInvite> IssueAsync(string userId, string username, CancellationToken ct)
    {
        var token = PushApproval.Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var row = new PushEnrollmentToken { Hash = HashOf(token), UserId = userId, Username = username, CreatedAt = now, ExpiresAt = now + options.EnrollmentTokenLifetime };
        await tokens.AddAsync(row, ct).ConfigureAwait(false);
        await _audit.WriteAsync(AuditKinds.PushEnrollIssue, AuditResults.Success, AuditReasons.Ok, ct, userId, username).ConfigureAwait(false);
        return new PushEnrollmentInvite(token, row.Hash, row.ExpiresAt);
    }

    /// <summary>The enrollment page's poll; only the user who issued the token learns anything.</summary>
    public async Task<(PushEnrollmentProgress Progress, string? EnrollmentId)> StatusAsync(string userId, string handle, CancellationToken ct)
    {
        var row = await tokens.FindAsync(handle, ct).ConfigureAwait(false);
        if (row is null || row.UserId != userId)
            return (PushEnrollmentProgress.Unknown, null);
        if (row.EnrollmentId is { } id)
            return (PushEnrollmentProgress.Completed, id);
        return time.GetUtcNow() >= row.ExpiresAt ? (PushEnrollmentProgress.Expired, null) : (PushEnrollmentProgress.Waiting, null);
    }

    public async Task<PushDeviceRegistration> RegisterAsync(string token, byte[] publicKeySpki, string? deviceName, string? ip, CancellationToken ct)
    {
        var name = (deviceName ?? "").Trim();
        if (name.Length == 0)
            name = "Phone";
        if (name.Length > MaxDeviceNameLength || name.Any(char.IsControl))
            return await FailAsync(null, "bad_device_name", ip, ct).ConfigureAwait(false);
        var row = string.IsNullOrEmpty(token) || token.Length > 128 ? null : await tokens.FindAsync(HashOf(token), ct).ConfigureAwait(false);
        if (row is null)
            return await FailAsync(null, "invalid_token", ip, ct).ConfigureAwait(false);
        if (row.UsedAt is not null)
            return await FailAsync(row, "token_used", ip, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (now >= row.ExpiresAt)
            return await FailAsync(row, "token_expired", ip, ct).ConfigureAwait(false);
        // The device key must be an ECDSA P-256 SubjectPublicKeyInfo: the only kind decisions are verified with.
        if (!PushSignature.IsP256PublicKey(publicKeySpki))
            return await FailAsync(row, "bad_public_key", ip, ct).ConfigureAwait(false);

        var enrollmentId = PushApproval.Base64Url(RandomNumberGenerator.GetBytes(16));
        // Single use: the conditional write decides which of two racing devices gets the token.
        var claimed = await tokens.TryUpdateAsync(row with { UsedAt = now, EnrollmentId = enrollmentId }, ct).ConfigureAwait(false);
        if (claimed is null)
            return await FailAsync(row, "token_used", ip, ct).ConfigureAwait(false);

        var seed = RandomNumberGenerator.GetBytes(20);
        var enrollment = await enrollments.AddAsync(new Enrollment
        {
            Id = enrollmentId,
            UserId = row.UserId,
            Factor = Factor.Push,
            Label = name,
            CreatedAt = now,
            Confirmed = true,
            Secret = seed,
            Otp = new OtpParameters(),
            PublicKey = publicKeySpki,
        }, ct).ConfigureAwait(false);
        await _audit.WriteAsync(AuditKinds.PushEnroll, AuditResults.Success, AuditReasons.Ok, ct, row.UserId, row.Username, ip, $"enrollment={enrollmentId}").ConfigureAwait(false);
        return PushDeviceRegistration.Registered(enrollment, seed, row.Username);
    }

    public static string HashOf(string token) => PushApproval.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private async Task<PushDeviceRegistration> FailAsync(PushEnrollmentToken? row, string error, string? ip, CancellationToken ct)
    {
        await _audit.WriteAsync(AuditKinds.PushEnroll, AuditResults.Failure, error, ct, row?.UserId, row?.Username, ip).ConfigureAwait(false);
        return PushDeviceRegistration.Failed(error);
    }
}
