using Imprivata.Core.Policies;
using System.Text;
using Azure.Data.Tables;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tests.Mfa.Otp;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Mfa.TemporaryCodes;

/// <summary>The temporary-code service on the real stores (Azurite) with a fake clock.</summary>
public sealed class TemporaryCodesTests
{
    private readonly MfaStores _stores = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly Core.Mfa.TemporaryCodes.TemporaryCodes _codes;

    public TemporaryCodesTests() =>
        _codes = new(new TableTemporaryCodeStore(_stores.Tables), new TableCodeHasher(new SecretKeys(_stores.Tables)), _stores.Enrollments,
            new Imprivata.Storage.UserDirectory.TableDirectoryStore(_stores.Tables), new TemporaryCodeOptions(), _time);

    private async Task<string> IssueAsync(string user = "user-1", TimeSpan? validity = null)
    {
        var result = await _codes.IssueAsync("helpdesk-1", "helpdesk", user, validity ?? TimeSpan.FromDays(1), default);
        Assert.True(result.Succeeded, result.Error);
        return result.IssuedCode!;
    }

    [Fact]
    public async Task Issue_TenRandomDigits_DifferentEachTime()
    {
        var codes = new HashSet<string>();
        for (var i = 0; i < 5; i++)
            codes.Add(await IssueAsync("user-" + i));
        Assert.Equal(5, codes.Count);
        Assert.All(codes, c => Assert.Matches("^[0-9]{10}$", c));
    }

    [Fact]
    public async Task Issue_StoresOnlyAKeyedHash_CodeNowhereInTheRow()
    {
        var code = await IssueAsync();
        var table = await _stores.Tables.GetAsync("TemporaryCodes");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
            rows.Add(row);
        var values = ((IDictionary<string, object>)Assert.Single(rows)).Values;
        Assert.DoesNotContain(values, v => v is string s && s.Contains(code));
        Assert.DoesNotContain(values, v => v is byte[] b && b.AsSpan().IndexOf(Encoding.ASCII.GetBytes(code)) >= 0);
        // Not an unkeyed SHA-256 of the code either (which anyone could recompute from 10^10 candidates).
        var hash = (byte[])rows[0]["Hash"];
        Assert.NotEqual(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(code)), hash);
    }

    [Fact]
    public async Task Verify_RightCode_WorksRepeatedlyAndCountsUses()
    {
        var code = await IssueAsync();
        Assert.True((await _codes.VerifyAsync("user-1", code, WorkflowKind.RemoteAccess, default)).Succeeded);
        var second = await _codes.VerifyAsync("user-1", code[..5] + " " + code[5..], WorkflowKind.WebSso, default);
        Assert.True(second.Succeeded);
        Assert.Equal(2, second.Code!.UseCount);
        Assert.Equal(TemporaryCodeErrors.WrongCode, (await _codes.VerifyAsync("user-1", code[..9] + (code[9] == '0' ? '1' : '0'), WorkflowKind.WebSso, default)).Error);
        Assert.Equal(TemporaryCodeErrors.NoActiveCode, (await _codes.VerifyAsync("user-2", code, WorkflowKind.WebSso, default)).Error);
    }

    /// <summary>Decision: a temporary code is reusable until it ends (helpdesk codes cover a lost device for a while), so two uses at once both succeed, and both are counted.</summary>
    [Fact]
    public async Task Verify_SameCodeConcurrently_BothSucceedBothCounted()
    {
        var code = await IssueAsync();
        using var start = new ManualResetEventSlim();
        var uses = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await _codes.VerifyAsync("user-1", code, WorkflowKind.RemoteAccess, default);
        })).ToArray();
        start.Set();
        Assert.All(await Task.WhenAll(uses), r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(2, (await _codes.FindAsync("user-1", default))!.Value.Code.UseCount);
    }

    [Fact]
    public async Task Verify_AfterExpiry_Refused()
    {
        var code = await IssueAsync(validity: TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.True((await _codes.VerifyAsync("user-1", code, WorkflowKind.RemoteAccess, default)).Succeeded);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TemporaryCodeErrors.Expired, (await _codes.VerifyAsync("user-1", code, WorkflowKind.RemoteAccess, default)).Error);
        Assert.Empty(await _codes.ListActiveAsync(default));
    }

    [Fact]
    public async Task Verify_AfterRevoke_Refused()
    {
        var code = await IssueAsync();
        Assert.True((await _codes.RevokeAsync("user-1", "helpdesk", default)).Succeeded);
        Assert.Equal(TemporaryCodeErrors.Revoked, (await _codes.VerifyAsync("user-1", code, WorkflowKind.RemoteAccess, default)).Error);
        Assert.Equal(TemporaryCodeErrors.NoActiveCode, (await _codes.RevokeAsync("user-1", "helpdesk", default)).Error);
    }

    [Fact]
    public async Task Verify_AfterTheUserEnrolls_Refused_ButAnOlderEnrollmentDoesNotEndIt()
    {
        await _stores.Enrollments.AddAsync(new Enrollment { Id = "old", UserId = "user-1", Factor = Factor.Sms, Confirmed = true, CreatedAt = _time.GetUtcNow().AddDays(-30), Destination = "+15550100" }, default);
        _time.Advance(TimeSpan.FromMinutes(1));
        var code = await IssueAsync();
        Assert.True((await _codes.VerifyAsync("user-1", code, WorkflowKind.RemoteAccess, default)).Succeeded);
        _time.Advance(TimeSpan.FromMinutes(5));
        await _stores.Enrollments.AddAsync(new Enrollment { Id = "new", UserId = "user-1", Factor = Factor.OtpToken, Confirmed = true, CreatedAt = _time.GetUtcNow(), Secret = new byte[20], Otp = new OtpParameters() }, default);
        Assert.Equal(TemporaryCodeErrors.Superseded, (await _codes.VerifyAsync("user-1", code, WorkflowKind.RemoteAccess, default)).Error);
    }

    [Fact]
    public async Task Verify_AfterTheUserUsesAnOlderEnrolledFactorAgain_Refused()
    {
        var old = await _stores.Enrollments.AddAsync(new Enrollment { Id = "old", UserId = "user-1", Factor = Factor.Push, Confirmed = true, CreatedAt = _time.GetUtcNow().AddDays(-30) }, default);
        var code = await IssueAsync();
        _time.Advance(TimeSpan.FromHours(2));
        await _stores.Enrollments.TryUpdateAsync(old with { LastUsedAt = _time.GetUtcNow() }, default);
        Assert.Equal(TemporaryCodeErrors.Superseded, (await _codes.VerifyAsync("user-1", code, WorkflowKind.RemoteAccess, default)).Error);
    }

    [Fact]
    public async Task Issue_Again_ReplacesTheEarlierCode()
    {
        var first = await IssueAsync();
        var second = await IssueAsync();
        Assert.Equal(TemporaryCodeErrors.WrongCode, (await _codes.VerifyAsync("user-1", first, WorkflowKind.RemoteAccess, default)).Error);
        Assert.True((await _codes.VerifyAsync("user-1", second, WorkflowKind.RemoteAccess, default)).Succeeded);
    }

    [Fact]
    public async Task Issue_ForYourself_Refused()
    {
        var result = await _codes.IssueAsync("helpdesk-1", "helpdesk", "helpdesk-1", TimeSpan.FromDays(1), default);
        Assert.Equal(TemporaryCodeErrors.CannotIssueForSelf, result.Error);
        Assert.Null(await _codes.FindAsync("helpdesk-1", default));
    }

    [Fact]
    public async Task Issue_ValidityNotOffered_Refused() =>
        Assert.Equal(TemporaryCodeErrors.ValidityInvalid, (await _codes.IssueAsync("h", "h", "user-1", TimeSpan.FromDays(31), default)).Error);

    [Fact]
    public async Task Verify_WorkflowNotAllowed_RefusedBeforeLookingAtTheCode()
    {
        var code = await IssueAsync();
        Assert.Equal(TemporaryCodeErrors.WorkflowNotAllowed, (await _codes.VerifyAsync("user-1", code, WorkflowKind.SecondFactorOnly, default)).Error);
        Assert.Equal(0, (await _codes.FindAsync("user-1", default))!.Value.Code.UseCount);
    }
}
