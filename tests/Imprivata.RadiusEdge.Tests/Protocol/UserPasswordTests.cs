using System.Text;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Tests.Protocol;

public class UserPasswordTests
{
    private static readonly byte[] Secret = "a-shared-secret-of-22-chars"u8.ToArray();
    private static readonly byte[] Authenticator = Enumerable.Range(100, 16).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("0123456789abcdef")]
    [InlineData("0123456789abcdef0")]
    [InlineData("a password that spans more than three blocks of sixteen octets")]
    public void HideThenUnhide_AnyLength_RoundTrips(string password)
    {
        var hidden = UserPassword.Hide(Encoding.UTF8.GetBytes(password), Secret, Authenticator);

        var revealed = UserPassword.Unhide(hidden, Secret, Authenticator);

        Assert.Equal(password, Encoding.UTF8.GetString(revealed.Value));
    }

    [Fact]
    public void Hide_SixteenOctets_IsOneBlock()
    {
        Assert.Equal(16, UserPassword.Hide("0123456789abcdef"u8, Secret, Authenticator).Length);
    }

    [Fact]
    public void Hide_SecondBlock_ChainsOnFirstCiphertext()
    {
        // RFC 2865 §5.2: b2 = MD5(S + c1), so identical plaintext blocks hide differently.
        var hidden = UserPassword.Hide("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"u8, Secret, Authenticator);

        Assert.NotEqual(hidden[..16], hidden[16..]);
        var b2 = System.Security.Cryptography.MD5.HashData([.. Secret, .. hidden[..16]]);
        Assert.Equal((byte)('A' ^ b2[0]), hidden[16]);
    }

    [Fact]
    public void Unhide_WrongSecret_DoesNotRevealThePassword()
    {
        var hidden = UserPassword.Hide("arctangent"u8, Secret, Authenticator);

        var revealed = UserPassword.Unhide(hidden, "another-shared-secret-xx"u8, Authenticator);

        Assert.False(revealed.IsSuccess && Encoding.UTF8.GetString(revealed.Value) == "arctangent");
    }

    [Fact]
    public void Unhide_NulInsidePassword_FailsRatherThanRevealingPrefix()
    {
        var hidden = UserPassword.Hide("pass\0word"u8, Secret, Authenticator);

        var revealed = UserPassword.Unhide(hidden, Secret, Authenticator);

        Assert.Equal(RadiusFailure.PasswordContainsNul, revealed.Failure);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(144)]
    public void Unhide_InvalidLength_Fails(int length)
    {
        Assert.Equal(RadiusFailure.UserPasswordBadLength, UserPassword.Unhide(new byte[length], Secret, Authenticator).Failure);
    }
}
