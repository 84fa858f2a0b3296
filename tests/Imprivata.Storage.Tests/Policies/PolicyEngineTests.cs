using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Policies;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Policies;

/// <summary>The policy engine over the real Table stores (policies, directory, enrollments) on Azurite.</summary>
public sealed class PolicyEngineTests
{
    private readonly TableDirectoryStore _directory;
    private readonly TablePolicyStore _store;
    private readonly TableEnrollmentStore _enrollments;
    private readonly UserPolicyResolver _resolver;
    private readonly TemporaryCodes _temporary = new();
    private readonly PolicyEngine _engine;

    public PolicyEngineTests()
    {
        var tables = new TableSet(Azurite.NewTables());
        _directory = new TableDirectoryStore(tables);
        _store = new TablePolicyStore(tables, TimeProvider.System);
        _enrollments = new TableEnrollmentStore(tables, new TableSecretProtector(new SecretKeys(tables)));
        _resolver = new UserPolicyResolver(_store, new GroupMembership(_directory));
        _engine = new PolicyEngine(_store, _resolver, _enrollments, _temporary);
    }

    /// <summary>The temporary-code service is another helper's; here a user either holds an active code or not.</summary>
    private sealed class TemporaryCodes : ITemporaryCodeStatus
    {
        public HashSet<string> Holders { get; } = [];
        public Task<bool> HasActiveCodeAsync(DirectoryUser user, CancellationToken ct) => Task.FromResult(Holders.Contains(user.Id));
    }

    private async Task<DirectoryUser> UserAsync(string name, string ou = "", string domain = DirectoryDefaults.Domain, bool sso = true, bool remote = true)
    {
        var user = new DirectoryUser
        {
            Id = DirectoryService.NewId(), Username = name, OrganizationalUnit = ou, Domain = domain, LicensedForSso = sso, LicensedForRemoteAccess = remote,
        };
        Assert.True(await _directory.CreateUserAsync(user, default));
        return user;
    }

    private async Task<DirectoryGroup> GroupAsync(string name)
    {
        var group = new DirectoryGroup { Id = DirectoryService.NewId(), Name = name };
        Assert.True(await _directory.CreateGroupAsync(group, default));
        return group;
    }

    private Task EnrollAsync(DirectoryUser user, Factor factor, bool confirmed = true, byte[]? secret = null) =>
        _enrollments.AddAsync(new Enrollment { Id = DirectoryService.NewId(), UserId = user.Id, Factor = factor, Confirmed = confirmed, Secret = secret }, default);

    /// <summary>One live workflow of each kind for the default policy, with the given factors and rule.</summary>
    private async Task LiveAsync(IReadOnlyList<Factor> factors, EnrollmentRule? rule = null, AuthenticationOptions? options = null)
    {
        var workflow = new Workflow { SecondFactors = factors, UserPolicyIds = [UserPolicy.DefaultId] };
        await _store.SaveWorkflowPolicyAsync(new WorkflowPolicy { WebSso = workflow, RemoteAccess = workflow, SecondFactorOnly = workflow, Options = options ?? new AuthenticationOptions() }, default);
        if (rule is not null)
            await _store.SaveEnrollmentRuleAsync(rule with { Id = EnrollmentRule.DefaultId }, default);
    }

    [Fact]
    public async Task Resolution_ByUserGroupNestedOuDomainElseDefault()
    {
        var outer = await GroupAsync("Clinicians");
        var inner = await GroupAsync("Nurses");
        await _directory.AddMemberAsync(new GroupMember(outer.Id, MemberKind.Group, inner.Id), default);
        var direct = await UserAsync("direct");
        var nested = await UserAsync("nested");
        await _directory.AddMemberAsync(new GroupMember(inner.Id, MemberKind.User, nested.Id), default);
        var inOu = await UserAsync("inou", ou: "Clinical/Nursing/Night");
        var notOu = await UserAsync("notou", ou: "ClinicalX");
        var inDomain = await UserAsync("indomain", domain: "CORP.example");
        var nobody = await UserAsync("nobody");

        await _store.SaveUserPolicyAsync(new UserPolicy { Id = "by-user", Name = "User", Order = 1, Members = new PolicyMembers { UserIds = [direct.Id] } }, default);
        await _store.SaveUserPolicyAsync(new UserPolicy { Id = "by-group", Name = "Group", Order = 2, Members = new PolicyMembers { GroupIds = [outer.Id] } }, default);
        await _store.SaveUserPolicyAsync(new UserPolicy { Id = "by-ou", Name = "OU", Order = 3, Members = new PolicyMembers { OrganizationalUnits = ["Clinical"] } }, default);
        await _store.SaveUserPolicyAsync(new UserPolicy { Id = "by-domain", Name = "Domain", Order = 4, Members = new PolicyMembers { Domains = ["corp.example"] } }, default);
        // A later policy that also names the first user: the first in order wins.
        await _store.SaveUserPolicyAsync(new UserPolicy { Id = "later", Name = "Later", Order = 9, Members = new PolicyMembers { UserIds = [direct.Id, nobody.Id] } }, default);

        Assert.Equal("by-user", (await _resolver.ResolveAsync(direct, default)).Id);
        Assert.Equal("by-group", (await _resolver.ResolveAsync(nested, default)).Id);
        Assert.Equal("by-ou", (await _resolver.ResolveAsync(inOu, default)).Id);
        Assert.Equal("by-domain", (await _resolver.ResolveAsync(inDomain, default)).Id);
        Assert.Equal("later", (await _resolver.ResolveAsync(nobody, default)).Id);
        Assert.Equal(UserPolicy.DefaultId, (await _resolver.ResolveAsync(notOu, default)).Id);
    }

    [Fact]
    public async Task WorkflowNotAssociated_AllowsWebSsoAndRemote_DeniesSecondFactorOnly()
    {
        await _store.SaveUserPolicyAsync(new UserPolicy { Id = "pilot", Name = "Pilot", Order = 1, Members = new PolicyMembers { Domains = ["pilot.example"] } }, default);
        var workflow = new Workflow { SecondFactors = [Factor.Push], UserPolicyIds = ["pilot"] };
        await _store.SaveWorkflowPolicyAsync(new WorkflowPolicy { WebSso = workflow, RemoteAccess = workflow, SecondFactorOnly = workflow }, default);
        var user = await UserAsync("outside");
        await EnrollAsync(user, Factor.Push);

        foreach (var kind in new[] { WorkflowKind.WebSso, WorkflowKind.RemoteAccess })
        {
            var plan = await _engine.PlanAsync(user, kind, default);
            Assert.Equal((PlanOutcome.Allow, PlanReasons.WorkflowNotAssociated), (plan.Outcome, plan.Reason));
        }
        var second = await _engine.PlanAsync(user, WorkflowKind.SecondFactorOnly, default);
        Assert.Equal((PlanOutcome.Deny, PlanReasons.WorkflowNotAssociated), (second.Outcome, second.Reason));

        var pilot = await UserAsync("inside", domain: "pilot.example");
        await EnrollAsync(pilot, Factor.Push);
        Assert.Equal(PlanOutcome.SecondFactor, (await _engine.PlanAsync(pilot, WorkflowKind.WebSso, default)).Outcome);
    }

    [Fact]
    public async Task NotLicensed_IsDenied()
    {
        await LiveAsync([Factor.Push]);
        var noRemote = await UserAsync("noremote", remote: false);
        var noSso = await UserAsync("nosso", sso: false);
        Assert.Equal((PlanOutcome.Deny, PlanReasons.NotLicensed), Of(await _engine.PlanAsync(noRemote, WorkflowKind.RemoteAccess, default)));
        Assert.Equal((PlanOutcome.Deny, PlanReasons.NotLicensed), Of(await _engine.PlanAsync(noSso, WorkflowKind.WebSso, default)));
        Assert.NotEqual(PlanOutcome.Deny, (await _engine.PlanAsync(noRemote, WorkflowKind.WebSso, default)).Outcome);
    }

    private static (PlanOutcome, string) Of(AuthenticationPlan plan) => (plan.Outcome, plan.Reason);

    [Fact]
    public async Task Enrolled_SecondFactorWithTheAllowedEnrolledFactorsInWorkflowOrder()
    {
        await LiveAsync([Factor.WebAuthn, Factor.Sms, Factor.Push], options: new AuthenticationOptions { NumberMatching = true });
        var user = await UserAsync("enrolled");
        await EnrollAsync(user, Factor.Push);
        await EnrollAsync(user, Factor.Sms);
        await EnrollAsync(user, Factor.OtpToken);
        await EnrollAsync(user, Factor.WebAuthn, confirmed: false);
        var plan = await _engine.PlanAsync(user, WorkflowKind.WebSso, default);
        Assert.Equal((PlanOutcome.SecondFactor, PlanReasons.SecondFactorRequired), Of(plan));
        Assert.Equal([Factor.Sms, Factor.Push], plan.SecondFactors);
        Assert.True(plan.NumberMatching);
    }

    [Fact]
    public async Task ApproverWithSeed_AlsoServesOtpToken()
    {
        await LiveAsync([Factor.OtpToken]);
        var user = await UserAsync("approver");
        await EnrollAsync(user, Factor.Push, secret: [.. Enumerable.Range(0, 20).Select(i => (byte)i)]);
        Assert.Equal([Factor.OtpToken], (await _engine.PlanAsync(user, WorkflowKind.RemoteAccess, default)).SecondFactors);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Unenrolled_PasswordOnlyAndPrompt_EnrollWithMayDelayPerRule(bool mayDelay)
    {
        await LiveAsync([Factor.Push, Factor.Sms], new EnrollmentRule
        {
            Id = "x", Name = "Rule", UnenrolledAccess = UnenrolledAccess.PasswordOnly, Prompt = EnrollmentPrompt.AtLogin, MayDelay = mayDelay,
            EnrollableFactors = [Factor.Sms, Factor.WebAuthn],
        });
        var user = await UserAsync("fresh");
        await EnrollAsync(user, Factor.Push, confirmed: false);
        var plan = await _engine.PlanAsync(user, WorkflowKind.RemoteAccess, default);
        Assert.Equal((PlanOutcome.Enroll, PlanReasons.EnrollmentRequired), Of(plan));
        Assert.Equal([Factor.Sms], plan.Enrollable);
        Assert.Equal(mayDelay, plan.MayDelay);
    }

    [Fact]
    public async Task Unenrolled_DoNotPrompt_PasswordOnlyAllows()
    {
        await LiveAsync([Factor.Push], new EnrollmentRule { Id = "x", Name = "Rule", UnenrolledAccess = UnenrolledAccess.PasswordOnly, Prompt = EnrollmentPrompt.NotPrompted });
        var user = await UserAsync("later");
        Assert.Equal((PlanOutcome.Allow, PlanReasons.UnenrolledPasswordOnly), Of(await _engine.PlanAsync(user, WorkflowKind.WebSso, default)));
        Assert.Equal((PlanOutcome.Allow, PlanReasons.UnenrolledPasswordOnly), Of(await _engine.PlanAsync(user, WorkflowKind.RemoteAccess, default)));
    }

    [Fact]
    public async Task Unenrolled_DifferentLoginMethod_IsDeniedUnlessATemporaryCodeIsHeld()
    {
        await LiveAsync([Factor.Push], new EnrollmentRule { Id = "x", Name = "Rule", UnenrolledAccess = UnenrolledAccess.DifferentLoginMethod, Prompt = EnrollmentPrompt.NotPrompted });
        var user = await UserAsync("blocked");
        Assert.Equal((PlanOutcome.Deny, PlanReasons.UnenrolledBlocked), Of(await _engine.PlanAsync(user, WorkflowKind.RemoteAccess, default)));

        // Enrollment rule: "Users who have been assigned a temporary code will still have access."
        _temporary.Holders.Add(user.Id);
        var plan = await _engine.PlanAsync(user, WorkflowKind.RemoteAccess, default);
        Assert.Equal(PlanOutcome.SecondFactor, plan.Outcome);
        Assert.Equal([Factor.TemporaryCode], plan.SecondFactors);
    }

    [Fact]
    public async Task Unenrolled_DifferentLoginMethodButPromptedAtLogin_MustEnrollWithoutDelay()
    {
        await LiveAsync([Factor.Push], new EnrollmentRule { Id = "x", Name = "Rule", UnenrolledAccess = UnenrolledAccess.DifferentLoginMethod, Prompt = EnrollmentPrompt.AtLogin, MayDelay = true });
        var plan = await _engine.PlanAsync(await UserAsync("prompted"), WorkflowKind.WebSso, default);
        Assert.Equal(PlanOutcome.Enroll, plan.Outcome);
        Assert.False(plan.MayDelay);
    }

    [Fact]
    public async Task EmailCodes_CountOnlyWhenTheAdministratorAcceptedTheRisk()
    {
        await LiveAsync([Factor.Email], new EnrollmentRule { Id = "x", Name = "Rule", UnenrolledAccess = UnenrolledAccess.PasswordOnly, Prompt = EnrollmentPrompt.NotPrompted });
        var user = await UserAsync("mailer");
        await EnrollAsync(user, Factor.Email);
        Assert.Equal((PlanOutcome.Deny, PlanReasons.NoFactorAllowed), Of(await _engine.PlanAsync(user, WorkflowKind.WebSso, default)));

        await LiveAsync([Factor.Email], options: new AuthenticationOptions { EmailCodesCountAsMfa = true });
        var plan = await _engine.PlanAsync(user, WorkflowKind.WebSso, default);
        Assert.Equal(PlanOutcome.SecondFactor, plan.Outcome);
        Assert.Equal([Factor.Email], plan.SecondFactors);
    }

    [Fact]
    public async Task UserPolicyRule_DecidesForItsMembers()
    {
        await _store.SaveEnrollmentRuleAsync(new EnrollmentRule { Id = "strict", Name = "Strict", UnenrolledAccess = UnenrolledAccess.DifferentLoginMethod, Prompt = EnrollmentPrompt.NotPrompted }, default);
        await _store.SaveUserPolicyAsync(new UserPolicy { Id = "icu", Name = "ICU", Order = 1, Members = new PolicyMembers { OrganizationalUnits = ["ICU"] }, EnrollmentRuleId = "strict" }, default);
        var workflow = new Workflow { SecondFactors = [Factor.Push], UserPolicyIds = ["icu", UserPolicy.DefaultId] };
        await _store.SaveWorkflowPolicyAsync(new WorkflowPolicy { RemoteAccess = workflow }, default);
        var icu = await UserAsync("icu", ou: "ICU");
        var other = await UserAsync("ward");

        var strict = await _engine.PlanAsync(icu, WorkflowKind.RemoteAccess, default);
        Assert.Equal((PlanOutcome.Deny, "icu", "strict"), (strict.Outcome, strict.Policy.Id, strict.Rule.Id));
        var lenient = await _engine.PlanAsync(other, WorkflowKind.RemoteAccess, default);
        Assert.Equal((PlanOutcome.Enroll, EnrollmentRule.DefaultId, true), (lenient.Outcome, lenient.Rule.Id, lenient.MayDelay));
    }
}
