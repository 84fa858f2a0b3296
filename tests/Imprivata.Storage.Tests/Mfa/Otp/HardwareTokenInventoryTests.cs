using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.HardwareTokens;
using Imprivata.Core.Mfa.Otp;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Mfa.Otp;

/// <summary>Import, assignment, verification and resync of hardware tokens on the real stores (Azurite).</summary>
public sealed class HardwareTokenInventoryTests
{
    private const string HexSeed = "3132333435363738393031323334353637383930";
    private static readonly byte[] Seed = Convert.FromHexString(HexSeed);
    private readonly MfaStores _stores = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_900_000_005));
    private readonly OtpTokenVerifier _verifier;
    private readonly HardwareTokenInventory _inventory;

    public HardwareTokenInventoryTests()
    {
        _verifier = new OtpTokenVerifier(_stores.Enrollments, new OtpOptions(), _time);
        _inventory = new HardwareTokenInventory(_stores.Tokens, _stores.Enrollments, _verifier, _time);
    }

    private Task<TokenImportResult> ImportAsync(string csv) => _inventory.ImportAsync(new StringReader(csv), "root", default);

    [Fact]
    public async Task Import_GoodFile_AllInInventoryUnassignedSeedSealed()
    {
        var result = await ImportAsync($"serial,seed,type,counter\nH1,{HexSeed},hotp,3\nT1,{HexSeed},totp,\n");
        Assert.Equal(2, result.Imported);
        Assert.Empty(result.Errors);
        var tokens = await _inventory.ListAsync(default);
        Assert.Equal(["H1", "T1"], tokens.Select(t => t.Serial));
        Assert.All(tokens, t => Assert.Null(t.AssignedUserId));
        Assert.Equal(Seed, tokens[0].Secret);
        var table = await _stores.Tables.GetAsync("OtpTokens");
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>())
            Assert.DoesNotContain(((IDictionary<string, object>)row).Values, v => v is byte[] b && b.AsSpan().IndexOf(Seed) >= 0 || v is string s && s.Contains(HexSeed, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Import_FileWithBadLineOrKnownSerial_ImportsNothingAndSaysWhere()
    {
        await ImportAsync($"serial,seed\nOLD,{HexSeed}\n");
        var result = await ImportAsync($"serial,seed\nNEW,{HexSeed}\nOLD,{HexSeed}\nBAD,xyz!\n");
        Assert.Equal(0, result.Imported);
        Assert.Equal([new TokenCsvError(3, "serial_already_imported"), new TokenCsvError(4, "seed_not_hex_or_base32")], result.Errors);
        Assert.Equal(["OLD"], (await _inventory.ListAsync(default)).Select(t => t.Serial));
    }

    [Fact]
    public async Task Assign_CreatesConfirmedEnrollmentWithSerial_CodesWork_UnassignCarriesCounterBack()
    {
        await ImportAsync($"serial,seed,type,counter\nH1,{HexSeed},hotp,3\n");
        var assigned = await _inventory.AssignAsync("H1", "user-1", default);
        Assert.True(assigned.Succeeded, assigned.Error);
        var enrollment = await _stores.Enrollments.FindByIndexAsync(EnrollmentIndexes.Serial, "H1", default);
        Assert.NotNull(enrollment);
        Assert.True(enrollment.Confirmed);
        Assert.Equal("user-1", enrollment.UserId);
        Assert.Equal(TokenErrors.AlreadyAssigned, (await _inventory.AssignAsync("H1", "user-2", default)).Error);

        var hotp = new OtpParameters { Kind = OtpKind.Hotp };
        Assert.True((await _verifier.VerifyAsync("user-1", OtpCode.Compute(Seed, hotp, 4), default)).Succeeded);

        Assert.True((await _inventory.UnassignAsync("H1", default)).Succeeded);
        Assert.Empty(await _stores.Enrollments.ListAsync("user-1", default));
        var back = Assert.Single(await _inventory.ListAsync(default));
        Assert.Null(back.AssignedUserId);
        Assert.Equal(5, back.Counter);
        // Reassigned to someone else, the code already used stays used.
        Assert.True((await _inventory.AssignAsync("H1", "user-2", default)).Succeeded);
        Assert.False((await _verifier.VerifyAsync("user-2", OtpCode.Compute(Seed, hotp, 4), default)).Succeeded);
    }

    [Fact]
    public async Task Resync_AssignedHotpToken_WithTwoConsecutiveCodes()
    {
        await ImportAsync($"serial,seed,type\nH2,{HexSeed},hotp\n");
        Assert.True((await _inventory.AssignAsync("H2", "user-3", default)).Succeeded);
        var hotp = new OtpParameters { Kind = OtpKind.Hotp };
        Assert.False((await _verifier.VerifyAsync("user-3", OtpCode.Compute(Seed, hotp, 40), default)).Succeeded);
        var resync = await _inventory.ResyncAsync("H2", OtpCode.Compute(Seed, hotp, 41), OtpCode.Compute(Seed, hotp, 42), default);
        Assert.True(resync.Succeeded, resync.Error);
        Assert.True((await _verifier.VerifyAsync("user-3", OtpCode.Compute(Seed, hotp, 43), default)).Succeeded);
        Assert.Equal(TokenErrors.NotFound, (await _inventory.ResyncAsync("nope", "1", "2", default)).Error);
    }
}
