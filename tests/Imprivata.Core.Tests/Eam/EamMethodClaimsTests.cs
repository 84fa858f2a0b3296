using Imprivata.Core.Eam;
using Imprivata.Core.Mfa;

namespace Imprivata.Core.Tests.Eam;

public sealed class EamMethodClaimsTests
{
    private static readonly string[] EntrasAmr = ["face", "fido", "fpt", "hwk", "iris", "otp", "pop", "retina", "sc", "sms", "swk", "tel", "vbm"];

    private static EamClaimsRequest Request(string[] acr, string[]? amr = null) => new(acr, amr ?? EntrasAmr);

    [Theory]
    [InlineData(Factor.OtpToken, "otp")]
    [InlineData(Factor.Sms, "sms")]
    [InlineData(Factor.Push, "swk")]
    [InlineData(Factor.WebAuthn, "fido")]
    public void For_EntrasUsualRequest_OneAmrTrueToTheFactor_AndTheRequestedAcr(Factor factor, string amr)
    {
        var claims = EamMethodClaims.For(factor, Request(["possessionorinherence"]));

        Assert.Equal(new EamAuthenticationClaims("possessionorinherence", amr), claims);
    }

    [Fact]
    public void For_PushWhenSwkNotRequested_FallsBackToPop()
    {
        Assert.Equal("pop", EamMethodClaims.For(Factor.Push, Request(["possession"], ["pop", "otp"]))!.Amr);
    }

    [Fact]
    public void For_AcrChosenInRequestOrder_AmongThoseContainingPossession()
    {
        var claims = EamMethodClaims.For(Factor.OtpToken, Request(["knowledge", "inherence", "knowledgeorpossession", "possession"]));

        Assert.Equal("knowledgeorpossession", claims!.Acr);
    }

    [Theory]
    [InlineData(Factor.OtpToken, new[] { "knowledge" }, new[] { "otp" })]
    [InlineData(Factor.OtpToken, new[] { "inherence" }, new[] { "otp" })]
    [InlineData(Factor.OtpToken, new[] { "possession" }, new[] { "sms", "fido" })]
    [InlineData(Factor.Sms, new[] { "possession" }, new[] { "otp", "tel" })]
    [InlineData(Factor.OtpToken, new[] { "unknown-acr" }, new[] { "otp" })]
    public void For_NothingRequestedFits_Null(Factor factor, string[] acr, string[] amr)
    {
        Assert.Null(EamMethodClaims.For(factor, Request(acr, amr)));
    }

    [Theory]
    [InlineData(Factor.TemporaryCode)]
    [InlineData(Factor.Email)]
    [InlineData(Factor.Password)]
    public void For_FactorsWithoutATruthfulEntraAmr_Null(Factor factor)
    {
        Assert.Null(EamMethodClaims.For(factor, Request(["knowledgeorpossessionorinherence"])));
    }

    [Theory]
    [InlineData(new[] { "otp", "mfa" }, Factor.OtpToken)]
    [InlineData(new[] { "swk", "mfa" }, Factor.Push)]
    [InlineData(new[] { "fido", "mfa" }, Factor.WebAuthn)]
    [InlineData(new[] { "tmp", "mfa" }, Factor.TemporaryCode)]
    public void FactorOf_SessionAmr_TheSecondFactor(string[] amr, Factor factor)
    {
        Assert.Equal(factor, EamMethodClaims.FactorOf(amr));
    }

    [Fact]
    public void FactorOf_PasswordOnly_Null()
    {
        Assert.Null(EamMethodClaims.FactorOf(["pwd"]));
    }
}

public sealed class EamClaimsRequestTests
{
    [Fact]
    public void Parse_EntrasClaims_AcrAndAmrInOrder()
    {
        var parsed = EamClaimsRequest.Parse("""{"id_token":{"acr":{"essential":true,"values":["possessionorinherence"]},"amr":{"essential":true,"values":["fido","otp"]}}}""");

        Assert.Equal(["possessionorinherence"], parsed!.Acr);
        Assert.Equal(["fido", "otp"], parsed.Amr);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"userinfo":{}}""")]
    [InlineData("""{"id_token":{"acr":{"values":["possession"]}}}""")]
    [InlineData("""{"id_token":{"amr":{"values":["otp"]}}}""")]
    [InlineData("""{"id_token":{"acr":{"values":[]},"amr":{"values":["otp"]}}}""")]
    [InlineData("""{"id_token":{"acr":{"values":[1,2]},"amr":{"values":["otp"]}}}""")]
    public void Parse_MissingMalformedOrEmpty_Null(string? claims)
    {
        Assert.Null(EamClaimsRequest.Parse(claims));
    }
}

public sealed class EntraCloudTests
{
    [Theory]
    [InlineData("https://login.microsoftonline.com/common/federation/externalauthprovider", "public")]
    [InlineData("https://login.microsoftonline.us/common/federation/externalauthprovider", "usgov")]
    [InlineData("https://login.partner.microsoftonline.cn/common/federation/externalauthprovider", "china")]
    public void ByRedirectUri_EntrasThreeAddresses(string redirectUri, string cloud)
    {
        Assert.Equal(cloud, EntraCloud.ByRedirectUri(redirectUri)!.Name);
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/common/federation/externalauthprovider/")]
    [InlineData("https://LOGIN.microsoftonline.com/common/federation/externalauthprovider")]
    [InlineData("http://login.microsoftonline.com/common/federation/externalauthprovider")]
    [InlineData(null)]
    public void ByRedirectUri_AnythingElse_Null(string? redirectUri)
    {
        Assert.Null(EntraCloud.ByRedirectUri(redirectUri));
    }
}

public sealed class FactorAmrAfterExternalFirstFactorTests
{
    [Theory]
    [InlineData(Factor.OtpToken, new[] { "otp", "mfa" })]
    [InlineData(Factor.Push, new[] { "swk", "mfa" })]
    [InlineData(Factor.WebAuthn, new[] { "fido", "mfa" })]
    public void GenuineSecondFactor_IsFullMfa(Factor factor, string[] amr)
    {
        Assert.Equal(amr, FactorAmr.AfterExternalFirstFactor(factor, emailCountsAsMfa: false));
    }

    [Fact]
    public void EmailNotAccepted_IsNotMfa()
    {
        Assert.Equal(["email"], FactorAmr.AfterExternalFirstFactor(Factor.Email, emailCountsAsMfa: false));
    }
}
