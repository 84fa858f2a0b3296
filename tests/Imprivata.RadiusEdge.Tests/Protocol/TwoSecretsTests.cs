using System.Text;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Tests.Infrastructure;

namespace Imprivata.RadiusEdge.Tests.Protocol;

/// <summary>Secret rotation: a client with two active secrets; the request verifies with either and the reply uses that one.</summary>
public class TwoSecretsTests
{
    private const string Current = "current-shared-secret-0123", Previous = "previous-shared-secret-012";
    private static readonly ClientPolicy First = new(Encoding.UTF8.GetBytes(Current));
    private static readonly ClientPolicy Second = new(Encoding.UTF8.GetBytes(Previous));

    [Theory]
    [InlineData(Current, "first")]
    [InlineData(Previous, "second")]
    public void ReadAndVerify_MessageAuthenticatorWithEitherSecret_VerifiesWithThatSecret(string secret, string expected)
    {
        var request = TestRequests.AccessRequest(secret, 1, "nemo", "arctangent");

        var verified = AccessRequestDecoder.ReadAndVerify(request, First, Second, out var with);

        Assert.True(verified.IsSuccess);
        Assert.Same(expected == "first" ? First : Second, with);
        // The password is revealed with the secret that verified, and it is the right one.
        Assert.Equal("arctangent", Encoding.UTF8.GetString(AccessRequestDecoder.Reveal(verified.Value, with).Value.Password!));
    }

    [Fact]
    public void ReadAndVerify_NeitherSecret_IsSilentlyDiscarded()
    {
        var request = TestRequests.AccessRequest("a-third-secret-nobody-knows", 1, "nemo", "arctangent");

        var verified = AccessRequestDecoder.ReadAndVerify(request, First, Second, out _);

        Assert.False(verified.IsSuccess);
        Assert.Equal(RadiusFailure.MessageAuthenticatorInvalid, verified.Failure);
    }

    [Fact]
    public void ReadAndVerify_NoMessageAuthenticatorAndNoneRequired_UsesTheFirstSecret()
    {
        var lax = new ClientPolicy(Encoding.UTF8.GetBytes(Current), RequireMessageAuthenticator: false);
        var request = TestRequests.AccessRequest(Previous, 1, "nemo", "arctangent", messageAuthenticator: false);

        var verified = AccessRequestDecoder.ReadAndVerify(request, lax, Second with { RequireMessageAuthenticator = false }, out var with);

        Assert.True(verified.IsSuccess);
        Assert.Same(lax, with);
    }

    [Fact]
    public void Reply_SignedWithTheSecretThatVerified_ChecksWithThatSecretOnly()
    {
        var request = TestRequests.AccessRequest(Previous, 9, "nemo", "arctangent");
        var packet = AccessRequestDecoder.ReadAndVerify(request, First, Second, out var with).Value;

        var reply = ReplyEncoder.Encode(RadiusCode.AccessAccept, packet.Identifier, packet.Authenticator.Span, [], with.Secret);

        Assert.True(ResponseAuthenticator.Verify(reply, packet.Authenticator.Span, Encoding.UTF8.GetBytes(Previous)));
        Assert.False(ResponseAuthenticator.Verify(reply, packet.Authenticator.Span, Encoding.UTF8.GetBytes(Current)));
    }
}
