using System.Globalization;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>An approver device proven by a signature over this request.</summary>
public sealed record AuthenticatedDevice(Enrollment Enrollment);

/// <summary>
/// Authenticates the approver page's API calls without cookies: the device signs (method, path, user, device, unix time,
/// nonce) with its non-extractable key. The time must be within the allowed skew and each nonce is accepted once, so a
/// captured request cannot be replayed.
/// </summary>
public sealed class DeviceRequestAuth(IEnrollmentStore enrollments, IDeviceNonceStore nonces, TimeProvider time, PushOptions options)
{
    public const string UserHeader = "X-Imp-User";
    public const string DeviceHeader = "X-Imp-Device";
    public const string TimeHeader = "X-Imp-Time";
    public const string NonceHeader = "X-Imp-Nonce";
    public const string SignatureHeader = "X-Imp-Signature";

    /// <summary>The device, or a reason code (missing_device_auth, stale_request, unknown_device, bad_signature, replayed_request).</summary>
    public async Task<(AuthenticatedDevice? Device, string? Error)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        var headers = request.Headers;
        string user = headers[UserHeader].ToString(), device = headers[DeviceHeader].ToString(), nonce = headers[NonceHeader].ToString();
        var signature = ApproverJson.FromBase64Url(headers[SignatureHeader].ToString());
        if (user.Length is 0 or > 128 || device.Length is 0 or > 128 || nonce.Length is < 16 or > 64 || signature is null
            || !long.TryParse(headers[TimeHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
            return (null, "missing_device_auth");

        var now = time.GetUtcNow();
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unix, 0, 253402300799));
        if ((now - sent).Duration() > options.DeviceClockSkew)
            return (null, "stale_request");
        var enrollment = await enrollments.FindAsync(user, device, ct);
        if (enrollment is not { Factor: Factor.Push, Confirmed: true, PublicKey: { } key })
            return (null, "unknown_device");
        if (!PushSignature.Verify(key, PushSignature.RequestBytes(request.Method, request.Path.Value ?? "", user, device, unix, nonce), signature))
            return (null, "bad_signature");
        // Checked after the signature, so unauthenticated callers cannot fill the nonce table.
        if (!await nonces.TryUseAsync(device, nonce, sent + options.DeviceClockSkew, ct))
            return (null, "replayed_request");
        return (new AuthenticatedDevice(enrollment), null);
    }
}

/// <summary>Device nonces past their window go with the PurgeExpired timer.</summary>
internal sealed class DeviceNoncePurge(IDeviceNonceStore store) : Hosting.IPurgeTask
{
    public string Name => "push-device-nonces";
    public Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct) => store.PurgeAsync(now, ct);
}
