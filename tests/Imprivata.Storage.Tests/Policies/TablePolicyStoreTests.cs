using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Storage.Policies;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Policies;

/// <summary>TablePolicyStore on Azurite: what one instance saves, a fresh instance (no cache) reads back.</summary>
public sealed class TablePolicyStoreTests
{
    private readonly TableSet _tables = new(Azurite.NewTables());

    private TablePolicyStore NewStore() => new(_tables, TimeProvider.System);

    [Fact]
    public async Task Empty_HasBuiltInDefaults()
    {
        var store = NewStore();
        Assert.Equal(UserPolicy.DefaultId, Assert.Single(await store.ListUserPoliciesAsync(default)).Id);
        Assert.Equal(EnrollmentRule.DefaultId, Assert.Single(await store.ListEnrollmentRulesAsync(default)).Id);
        Assert.Equal(new WorkflowPolicy().RemoteAccess.SecondFactors, (await store.GetWorkflowPolicyAsync(default)).RemoteAccess.SecondFactors);
    }

    [Fact]
    public async Task UserPolicies_RoundTripOrderedDefaultLast()
    {
        var writer = NewStore();
        await writer.SaveUserPolicyAsync(UserPolicy.Default with { Name = "Everyone else", EnrollmentRuleId = "r1" }, default);
        await writer.SaveUserPolicyAsync(new UserPolicy
        {
            Id = "b", Name = "Second", Order = 20, Description = "d",
            Members = new PolicyMembers { UserIds = ["u1"], GroupIds = ["g1"], OrganizationalUnits = ["Clinical/Nursing"], Domains = ["corp.example"] },
        }, default);
        await writer.SaveUserPolicyAsync(new UserPolicy { Id = "a", Name = "First", Order = 10 }, default);

        var read = await NewStore().ListUserPoliciesAsync(default);
        Assert.Equal(["a", "b", "default"], read.Select(p => p.Id));
        var second = read[1];
        Assert.Equal(["u1"], second.Members.UserIds);
        Assert.Equal(["g1"], second.Members.GroupIds);
        Assert.Equal(["Clinical/Nursing"], second.Members.OrganizationalUnits);
        Assert.Equal(["corp.example"], second.Members.Domains);
        Assert.Equal(("Everyone else", "r1", int.MaxValue), (read[2].Name, read[2].EnrollmentRuleId, read[2].Order));

        Assert.False(await writer.DeleteUserPolicyAsync(UserPolicy.DefaultId, default));
        Assert.True(await writer.DeleteUserPolicyAsync("a", default));
        Assert.False(await writer.DeleteUserPolicyAsync("a", default));
        Assert.Equal(["b", "default"], (await writer.ListUserPoliciesAsync(default)).Select(p => p.Id));
    }

    [Fact]
    public async Task RulesAndWorkflow_RoundTrip()
    {
        var writer = NewStore();
        await writer.SaveEnrollmentRuleAsync(new EnrollmentRule
        {
            Id = "strict", Name = "Strict", UnenrolledAccess = UnenrolledAccess.DifferentLoginMethod, Prompt = EnrollmentPrompt.NotPrompted, MayDelay = false,
            EnrollableFactors = [Factor.WebAuthn],
        }, default);
        await writer.SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            WebSso = new Workflow { SecondFactors = [Factor.WebAuthn, Factor.Push], UserPolicyIds = ["a"] },
            SecondFactorOnly = new Workflow { SecondFactors = [Factor.Sms], UserPolicyIds = ["default"] },
            Options = new AuthenticationOptions { NumberMatching = false, EmailCodesCountAsMfa = true, TemporaryCodesForWebSso = false },
        }, default);

        var reader = NewStore();
        var rules = await reader.ListEnrollmentRulesAsync(default);
        Assert.Equal(["default", "strict"], rules.Select(r => r.Id));
        Assert.Equal((UnenrolledAccess.DifferentLoginMethod, EnrollmentPrompt.NotPrompted, false), (rules[1].UnenrolledAccess, rules[1].Prompt, rules[1].MayDelay));
        Assert.Equal([Factor.WebAuthn], rules[1].EnrollableFactors);
        var workflow = await reader.GetWorkflowPolicyAsync(default);
        Assert.Equal([Factor.WebAuthn, Factor.Push], workflow.WebSso.SecondFactors);
        Assert.Equal(["a"], workflow.WebSso.UserPolicyIds);
        Assert.Equal([Factor.Sms], workflow.SecondFactorOnly.SecondFactors);
        Assert.Equal(new WorkflowPolicy().RemoteAccess.SecondFactors, workflow.RemoteAccess.SecondFactors);
        Assert.Equal(new AuthenticationOptions { NumberMatching = false, EmailCodesCountAsMfa = true, TemporaryCodesForWebSso = false }, workflow.Options);

        Assert.False(await writer.DeleteEnrollmentRuleAsync(EnrollmentRule.DefaultId, default));
        Assert.True(await writer.DeleteEnrollmentRuleAsync("strict", default));
        Assert.Single(await NewStore().ListEnrollmentRulesAsync(default));
    }
}
