using System.Net;
using System.Security.Cryptography;
using Imprivata.Core.Eam;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;
using Imprivata.Functions.Tests.Mfa.Push;
using Imprivata.Functions.Tests.Oidc;

namespace Imprivata.Functions.Tests.Eam;

/// <summary>Push approval (with number matching) as the Entra external method's second factor: the amr says swk, or pop.</summary>
[Collection(EamCollection.Name)]
public sealed class EamPushTests(EamFixture fx)
{
    [Theory]
    [InlineData(EamFixture.StandardClaims, "swk")]
    [InlineData("""{"id_token":{"acr":{"essential":true,"values":["possession"]},"amr":{"essential":true,"values":["otp","pop"]}}}""", "pop")]
    public async Task PushApprovedWithTheRightNumber_IdTokenAmrIsTheRequestedProofOfPossession(string claims, string amr)
    {
        var (user, phone) = await NewPushUserAsync();
        using var browser = fx.NewBrowser();
        var request = EamFixture.Request(fx.Entra.Mint(EntraCloud.Public, fx.HintClaims(user)));
        request["claims"] = claims;

        var authorized = await browser.PostFormAsync("/eam/authorize", request);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(authorized));
        Assert.Equal("/login/mfa/push", OidcFlow.LocationOf(await browser.GetAsync("/login/mfa")));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/login/mfa/push")).StatusCode);
        var push = fx.Get<PushApproval>();
        var challenge = Assert.Single(await push.PendingForDeviceAsync(user.User.Id, phone.Enrollment.Id, CancellationToken.None));
        Assert.Equal(PushState.Approved, (await push.DecideAsync(phone.Decision(challenge.Id, PushDecisionKind.Approve, challenge.MatchNumber?.ToString()),
            CancellationToken.None)).State);
        var done = await browser.GetAsync("/login/mfa/push");
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        var answer = FormPost.Parse(await browser.GetAsync(OidcFlow.LocationOf(done)));

        var token = await fx.ValidateIdTokenAsync(answer.IdToken!);
        Assert.Equal([amr], token.GetPayloadValue<string[]>("amr"));
        Assert.Equal(request["nonce"], token.GetPayloadValue<string>("nonce"));
    }

    private async Task<(EamUser User, Phone Phone)> NewPushUserAsync()
    {
        var user = await fx.Service.AddUserAsync("eampush" + Guid.NewGuid().ToString("N")[..8], OidcFixture.Password);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var enrollment = await fx.Get<IEnrollmentStore>().AddAsync(new Enrollment
        {
            Id = "phone-" + Guid.NewGuid().ToString("N")[..8], UserId = user.Id, Factor = Factor.Push, Confirmed = true,
            CreatedAt = DateTimeOffset.UtcNow, PublicKey = key.ExportSubjectPublicKeyInfo(),
        }, CancellationToken.None);
        var objectId = Guid.NewGuid().ToString("D");
        await fx.Get<IEntraUserLinkStore>().LinkAsync(EamFixture.TenantId, objectId, user.Id, CancellationToken.None);
        return (new EamUser(user, objectId, []), new Phone(enrollment, key));
    }
}
