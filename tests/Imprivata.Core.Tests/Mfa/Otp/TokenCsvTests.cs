using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.HardwareTokens;

namespace Imprivata.Core.Tests.Mfa.Otp;

public sealed class TokenCsvTests
{
    private const string HexSeed = "3132333435363738393031323334353637383930";
    private const string Base32Seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    private static TokenCsvResult Parse(string text) => TokenCsv.Parse(new StringReader(text));

    [Fact]
    public void Parse_GoodLines_HexAndBase32AndOptionalColumns()
    {
        var result = Parse($"serial,seed,type,digits,algorithm,period,counter\nA-1,{HexSeed},totp,6,sha1,30,\nB-2,{Base32Seed},hotp,8,SHA256,,7\nC-3,{Base32Seed.ToLowerInvariant()},,,,60,\n");
        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Tokens.Count);
        Assert.Equal("12345678901234567890"u8.ToArray(), result.Tokens[0].Secret);
        Assert.Equal(result.Tokens[0].Secret, result.Tokens[1].Secret);
        Assert.Equal(new OtpParameters { Kind = OtpKind.Hotp, Algorithm = OtpAlgorithm.Sha256, Digits = 8, Period = 30 }, result.Tokens[1].Otp);
        Assert.Equal(7, result.Tokens[1].Counter);
        Assert.Equal(60, result.Tokens[2].Otp.Period);
        Assert.Equal([2, 3, 4], result.Tokens.Select(t => t.Line));
    }

    [Fact]
    public void Parse_MinimalHeader_DefaultsToSixDigitSha1Totp()
    {
        var token = Assert.Single(Parse($"serial,seed\r\nX1,{HexSeed}\r\n").Tokens);
        Assert.Equal(new OtpParameters(), token.Otp);
    }

    [Fact]
    public void Parse_BadLines_ReportLineAndReasonNeverTheSeed()
    {
        var text = string.Join('\n',
            "serial,seed,type,digits",
            $"ok-1,{HexSeed},totp,6",
            "bad-seed,not!a!seed,totp,6",
            "short-seed,00112233,totp,6",
            $"bad-type,{HexSeed},sms,6",
            $"bad-digits,{HexSeed},totp,7",
            $",{HexSeed},totp,6",
            $"ok-1,{HexSeed},totp,6",
            "too,few",
            "");
        var result = Parse(text);
        Assert.Single(result.Tokens);
        Assert.Equal(
        [
            new TokenCsvError(3, "seed_not_hex_or_base32"), new TokenCsvError(4, "seed_length_out_of_range"), new TokenCsvError(5, "type_invalid"),
            new TokenCsvError(6, "digits_invalid"), new TokenCsvError(7, "serial_invalid"), new TokenCsvError(8, "duplicate_serial_in_file"),
            new TokenCsvError(9, "wrong_number_of_fields"),
        ], result.Errors);
        Assert.DoesNotContain(result.Errors, e => e.Reason.Contains("not!a!seed") || e.Reason.Contains(HexSeed));
    }

    [Theory]
    [InlineData("", "empty_file")]
    [InlineData("serial\nA,B\n", "header_needs_serial_and_seed")]
    [InlineData("serial,seed,colour\nA,B,C\n", "unknown_column")]
    [InlineData("serial,seed,seed\nA,B,C\n", "duplicate_column")]
    public void Parse_BadHeader_OneErrorOnLineOne(string text, string reason) =>
        Assert.Equal([new TokenCsvError(1, reason)], Parse(text).Errors);

    [Fact]
    public void Parse_CounterOnTotp_Rejected() =>
        Assert.Equal("counter_invalid", Assert.Single(Parse($"serial,seed,type,counter\nA,{HexSeed},totp,5\n").Errors).Reason);

    [Fact]
    public void Parse_UnclosedQuote_MalformedCsv() =>
        Assert.Equal("malformed_csv", Assert.Single(Parse($"serial,seed\nA,\"{HexSeed}\nB,{HexSeed}\n").Errors).Reason);
}
