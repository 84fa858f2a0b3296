using Imprivata.Storage.OpenIddict;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.OpenIddict;

public sealed class VerifiedClientSecretsTests
{
    private readonly FakeTimeProvider _time = new(OidcTables.Now);

    [Fact]
    public void Contains_SecretVerifiedAgainstSameHash_True()
    {
        var verified = new VerifiedClientSecrets(_time);
        verified.Add("secret", "hash-1");

        Assert.True(verified.Contains("secret", "hash-1"));
    }

    [Fact]
    public void Contains_OtherSecretOrRotatedHash_False()
    {
        var verified = new VerifiedClientSecrets(_time);
        verified.Add("secret", "hash-1");

        Assert.False(verified.Contains("secreT", "hash-1"));
        Assert.False(verified.Contains("secret", "hash-2"));
    }

    [Fact]
    public void Contains_AfterLifetime_False()
    {
        var verified = new VerifiedClientSecrets(_time);
        verified.Add("secret", "hash-1");
        _time.Advance(VerifiedClientSecrets.Lifetime);

        Assert.False(verified.Contains("secret", "hash-1"));
    }
}
