using System.Net.Http.Json;
using System.Security.Cryptography;
using Imprivata.Core.Mfa.Push;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Mfa.Push;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Testing.Radius;

/// <summary>
/// An approver device over the real approver API: registered with an invite the way the phone's page does it, listing its
/// pending challenges and deciding them with requests signed by its own P-256 key (the phone's WebCrypto key).
/// </summary>
public sealed class ApproverPhone(HttpClient http, ECDsa key, string userId, string enrollmentId, byte[] totpSeed) : IDisposable
{
    public string UserId => userId;
    public string EnrollmentId => enrollmentId;
    /// <summary>The TOTP seed the approver received: it shows token codes too (the OTP-token factor).</summary>
    public byte[] TotpSeed => totpSeed;

    public static async Task<ApproverPhone> RegisterAsync(TestService service, DirectoryUser user)
    {
        var http = new HttpClient { BaseAddress = service.BaseUri };
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var invite = await service.Services.GetRequiredService<ApproverInvites>().IssueAsync(user, CancellationToken.None);
        var token = invite.Url[(invite.Url.IndexOf('#') + 1)..];
        var response = await http.PostAsJsonAsync("/approve/api/devices",
            new { token, publicKey = ApproverJson.ToBase64Url(key.ExportSubjectPublicKeyInfo()), deviceName = "Test phone" });
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<DeviceRegistrationResponse>(ApproverJson.Options))!;
        return new ApproverPhone(http, key, body.UserId, body.EnrollmentId, ApproverJson.FromBase64Url(body.TotpSeed)!);
    }

    /// <summary>The pending challenges the phone shows now.</summary>
    public async Task<IReadOnlyList<ChallengeView>> PendingAsync()
    {
        const string path = "/approve/api/challenges";
        var time = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = ApproverJson.ToBase64Url(RandomNumberGenerator.GetBytes(16));
        var signature = key.SignData(PushSignature.RequestBytes("GET", path, userId, enrollmentId, time, nonce),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(DeviceRequestAuth.UserHeader, userId);
        request.Headers.Add(DeviceRequestAuth.DeviceHeader, enrollmentId);
        request.Headers.Add(DeviceRequestAuth.TimeHeader, time.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(DeviceRequestAuth.NonceHeader, nonce);
        request.Headers.Add(DeviceRequestAuth.SignatureHeader, ApproverJson.ToBase64Url(signature));
        var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PendingChallengesResponse>(ApproverJson.Options))!.Challenges;
    }

    /// <summary>Waits until a challenge shows on the phone (the push reached it).</summary>
    public async Task<ChallengeView> WaitForChallengeAsync(TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if ((await PendingAsync()).FirstOrDefault() is { } shown)
                return shown;
            if (DateTime.UtcNow > until)
                throw new TimeoutException("No push reached the phone.");
            await Task.Delay(100);
        }
    }

    /// <summary>"approve", "deny" or "fraud", with the number the user typed when number matching is on.</summary>
    public async Task<DecisionResponse> DecideAsync(string challengeId, string decision, string number = "")
    {
        PushSignature.TryParse(decision, out var kind);
        var signature = key.SignData(PushSignature.DecisionBytes(challengeId, kind, number), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var response = await http.PostAsJsonAsync($"/approve/api/challenges/{challengeId}/decision",
            new { decision, number, signature = ApproverJson.ToBase64Url(signature) });
        return (await response.Content.ReadFromJsonAsync<DecisionResponse>(ApproverJson.Options))!;
    }

    public void Dispose()
    {
        http.Dispose();
        key.Dispose();
    }
}
