using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;
using Imprivata.Functions.Mfa.Push;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Mfa.Push;

/// <summary>The approver page's API over HTTP against the whole service; an ECDsa key in the test plays the phone's WebCrypto key.</summary>
public class ApproverApiTests
{
    private const string Password = "a long enough password";

    private sealed class Device(HttpClient http, ECDsa key, string userId, string enrollmentId)
    {
        public string UserId => userId;
        public string EnrollmentId => enrollmentId;

        public Task<HttpResponseMessage> GetChallengesAsync(long? unixTime = null, string? nonce = null, ECDsa? signer = null)
        {
            const string path = "/approve/api/challenges";
            var time = unixTime ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            nonce ??= ApproverJson.ToBase64Url(RandomNumberGenerator.GetBytes(16));
            var signature = (signer ?? key).SignData(PushSignature.RequestBytes("GET", path, userId, enrollmentId, time, nonce),
                HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(DeviceRequestAuth.UserHeader, userId);
            request.Headers.Add(DeviceRequestAuth.DeviceHeader, enrollmentId);
            request.Headers.Add(DeviceRequestAuth.TimeHeader, time.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(DeviceRequestAuth.NonceHeader, nonce);
            request.Headers.Add(DeviceRequestAuth.SignatureHeader, ApproverJson.ToBase64Url(signature));
            return http.SendAsync(request);
        }

        public Task<HttpResponseMessage> DecideAsync(string challengeId, string decision, string number = "", string? signedChallengeId = null)
        {
            PushSignature.TryParse(decision, out var kind);
            var signature = key.SignData(PushSignature.DecisionBytes(signedChallengeId ?? challengeId, kind, number), HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return http.PostAsJsonAsync($"/approve/api/challenges/{challengeId}/decision",
                new { decision, number, signature = ApproverJson.ToBase64Url(signature) });
        }
    }

    private static async Task<(TestService Service, HttpClient Http, Core.UserDirectory.DirectoryUser User)> StartAsync()
    {
        var service = await TestService.StartAsync(new Dictionary<string, string?> { [PushSetup.DeadlineQueueSetting] = "pa-" + Guid.NewGuid().ToString("N")[..12] });
        var user = await service.AddUserAsync("erin", Password);
        return (service, new HttpClient { BaseAddress = service.BaseUri }, user);
    }

    private static async Task<(Device Device, DeviceRegistrationResponse Body)> RegisterAsync(HttpClient http, TestService service, Core.UserDirectory.DirectoryUser user, ECDsa key)
    {
        var invite = await service.Services.GetRequiredService<ApproverInvites>().IssueAsync(user, CancellationToken.None);
        var token = invite.Url[(invite.Url.IndexOf('#') + 1)..];
        var response = await http.PostAsJsonAsync("/approve/api/devices", new { token, publicKey = ApproverJson.ToBase64Url(key.ExportSubjectPublicKeyInfo()), deviceName = "Erin's phone" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<DeviceRegistrationResponse>(ApproverJson.Options))!;
        return (new Device(http, key, body.UserId, body.EnrollmentId), body);
    }

    private static Task<PushSendResult> SendAsync(TestService service, Core.UserDirectory.DirectoryUser user, bool numberMatching = false) =>
        service.Services.GetRequiredService<PushApproval>().SendAsync(new PushRequest
        {
            UserId = user.Id, Username = user.Username, AppName = "Payroll", ClientIp = "203.0.113.9", NumberMatching = numberMatching,
        }, CancellationToken.None);

    [Fact]
    public async Task Register_WithInviteToken_ConfirmedPushEnrollmentWithKeyAndSealedSeedReturnedOnce()
    {
        var (service, http, user) = await StartAsync();
        await using var _ = service;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var invite = await service.Services.GetRequiredService<ApproverInvites>().IssueAsync(user, CancellationToken.None);
        Assert.StartsWith(service.BaseUri + "approve/enroll#", invite.Url);
        Assert.StartsWith("data:image/png;base64,", invite.QrCodeDataUri);
        Assert.Equal(PushEnrollmentProgress.Waiting, (await service.Services.GetRequiredService<ApproverInvites>().ProgressAsync(user.Id, invite.Handle, CancellationToken.None)).Progress);
        var token = invite.Url[(invite.Url.IndexOf('#') + 1)..];
        var registration = new { token, publicKey = ApproverJson.ToBase64Url(key.ExportSubjectPublicKeyInfo()), deviceName = "Erin's phone" };

        var response = await http.PostAsJsonAsync("/approve/api/devices", registration);
        var again = await http.PostAsJsonAsync("/approve/api/devices", registration);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<DeviceRegistrationResponse>(ApproverJson.Options))!;
        Assert.Equal((user.Id, user.Username, 6, 30), (body.UserId, body.Username, body.Digits, body.Period));
        var seed = ApproverJson.FromBase64Url(body.TotpSeed)!;
        Assert.Equal(20, seed.Length);
        var enrollment = (await service.Services.GetRequiredService<IEnrollmentStore>().FindAsync(user.Id, body.EnrollmentId, CancellationToken.None))!;
        Assert.Equal((Factor.Push, true, "Erin's phone"), (enrollment.Factor, enrollment.Confirmed, enrollment.Label));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), enrollment.PublicKey);
        Assert.Equal(seed, enrollment.Secret);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Contains("token_used", await again.Content.ReadAsStringAsync());
        var progress = await service.Services.GetRequiredService<ApproverInvites>().ProgressAsync(user.Id, invite.Handle, CancellationToken.None);
        Assert.Equal((PushEnrollmentProgress.Completed, body.EnrollmentId), progress);
        Assert.Equal(PushEnrollmentProgress.Unknown, (await service.Services.GetRequiredService<ApproverInvites>().ProgressAsync("someone-else", invite.Handle, CancellationToken.None)).Progress);
    }

    [Fact]
    public async Task Register_BadTokenOrKey_Refused()
    {
        var (service, http, user) = await StartAsync();
        await using var _ = service;
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var invite = await service.Services.GetRequiredService<ApproverInvites>().IssueAsync(user, CancellationToken.None);
        var token = invite.Url[(invite.Url.IndexOf('#') + 1)..];

        var wrongToken = await http.PostAsJsonAsync("/approve/api/devices", new { token = "x" + token, publicKey = ApproverJson.ToBase64Url(p256.ExportSubjectPublicKeyInfo()) });
        var wrongCurve = await http.PostAsJsonAsync("/approve/api/devices", new { token, publicKey = ApproverJson.ToBase64Url(p384.ExportSubjectPublicKeyInfo()) });
        var malformed = await http.PostAsync("/approve/api/devices", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongCurve.StatusCode);
        Assert.Contains("bad_public_key", await wrongCurve.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        // The refused key did not use up the token.
        var ok = await http.PostAsJsonAsync("/approve/api/devices", new { token, publicKey = ApproverJson.ToBase64Url(p256.ExportSubjectPublicKeyInfo()) });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    [Fact]
    public async Task Challenges_SignedRequest_ListsPendingThenApproveWithNumber()
    {
        var (service, http, user) = await StartAsync();
        await using var _ = service;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (device, _) = await RegisterAsync(http, service, user, key);
        var sent = await SendAsync(service, user, numberMatching: true);

        var list = await device.GetChallengesAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var body = (await list.Content.ReadFromJsonAsync<PendingChallengesResponse>(ApproverJson.Options))!;
        var shown = Assert.Single(body.Challenges);
        Assert.Equal((sent.Challenge!.Id, user.Username, "Payroll", "203.0.113.9", true), (shown.Id, shown.Username, shown.App, shown.Ip, shown.NumberMatching));
        Assert.InRange(shown.RemainingSeconds, 1, 30);

        var decided = await device.DecideAsync(shown.Id, "approve", sent.MatchNumber!.Value.ToString());
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal("approved", (await decided.Content.ReadFromJsonAsync<DecisionResponse>(ApproverJson.Options))!.State);
        Assert.Equal(PushState.Approved, (await service.Services.GetRequiredService<PushApproval>().StatusAsync(shown.Id, CancellationToken.None))!.State);

        var replay = await device.DecideAsync(shown.Id, "approve", sent.MatchNumber!.Value.ToString());
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Empty((await (await device.GetChallengesAsync()).Content.ReadFromJsonAsync<PendingChallengesResponse>(ApproverJson.Options))!.Challenges);
    }

    [Fact]
    public async Task Decision_WrongNumberOverApi_Denied()
    {
        var (service, http, user) = await StartAsync();
        await using var _ = service;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (device, _) = await RegisterAsync(http, service, user, key);
        var sent = await SendAsync(service, user, numberMatching: true);
        var wrong = sent.MatchNumber == 10 ? "11" : "10";

        var decided = await device.DecideAsync(sent.Challenge!.Id, "approve", wrong);

        var body = (await decided.Content.ReadFromJsonAsync<DecisionResponse>(ApproverJson.Options))!;
        Assert.Equal(("denied", "wrong_number"), (body.State, body.Reason));
    }

    [Fact]
    public async Task Decision_SignatureOverAnotherChallengeOrJunk_Rejected()
    {
        var (service, http, user) = await StartAsync();
        await using var _ = service;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (device, _) = await RegisterAsync(http, service, user, key);
        var sent = await SendAsync(service, user);

        var moved = await device.DecideAsync(sent.Challenge!.Id, "approve", signedChallengeId: "another-challenge");
        var junk = await http.PostAsJsonAsync($"/approve/api/challenges/{sent.Challenge.Id}/decision", new { decision = "approve", signature = "%%%" });
        var unknownDecision = await http.PostAsJsonAsync($"/approve/api/challenges/{sent.Challenge.Id}/decision", new { decision = "maybe", signature = "AAAA" });

        Assert.Equal(HttpStatusCode.Forbidden, moved.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownDecision.StatusCode);
        Assert.Equal(PushState.Pending, (await service.Services.GetRequiredService<PushApproval>().StatusAsync(sent.Challenge.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Challenges_ReplayedStaleUnsignedOrOtherKey_Unauthorized()
    {
        var (service, http, user) = await StartAsync();
        await using var _ = service;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (device, _) = await RegisterAsync(http, service, user, key);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = ApproverJson.ToBase64Url(RandomNumberGenerator.GetBytes(16));

        Assert.Equal(HttpStatusCode.OK, (await device.GetChallengesAsync(now, nonce)).StatusCode);
        await AssertUnauthorizedAsync(await device.GetChallengesAsync(now, nonce), "replayed_request");
        await AssertUnauthorizedAsync(await device.GetChallengesAsync(now - 600), "stale_request");
        await AssertUnauthorizedAsync(await device.GetChallengesAsync(signer: stranger), "bad_signature");
        await AssertUnauthorizedAsync(await http.GetAsync("/approve/api/challenges"), "missing_device_auth");
    }

    [Fact]
    public async Task ApproverPage_Served_WithScriptFromOwnOriginOnlyAndStableIds()
    {
        var (service, http, _) = await StartAsync();
        await using var __ = service;

        foreach (var path in new[] { "/approve", "/approve/enroll" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("<script src=\"/assets/approve.js\" defer></script>", html);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<script"));
            foreach (var id in new[] { "enroll-button", "device-name", "token-code", "challenges", "approver-message", "no-challenges" })
                Assert.Contains($"id=\"{id}\"", html);
        }
        var script = await http.GetAsync("/assets/approve.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("extractable", await script.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/assets/approve.css")).StatusCode);
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response, string error)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(error, await response.Content.ReadAsStringAsync());
    }
}
