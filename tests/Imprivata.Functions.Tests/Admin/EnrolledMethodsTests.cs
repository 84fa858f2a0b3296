using System.Net;
using System.Text.Json;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Users > user > Enrolled methods: list without secrets, remove one, reset all; helpdesk allowed; audited with the actor.</summary>
public sealed class EnrolledMethodsTests : SignedInSuperadmin
{
    private DirectoryUser _nurse = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _nurse = await Host.CreateUserAsync("nurse");
    }

    private IEnrollmentStore Enrollments => Host.App.Services.GetRequiredService<IEnrollmentStore>();

    public static readonly byte[] Seed = [.. Enumerable.Range(1, 20).Select(i => (byte)(i * 7))];

    private Task<Enrollment> EnrollAsync(string userId, Factor factor, string label, bool confirmed = true) =>
        Enrollments.AddAsync(new Enrollment
        {
            Id = DirectoryService.NewId(), UserId = userId, Factor = factor, Label = label, Confirmed = confirmed,
            CreatedAt = DateTimeOffset.UtcNow.AddDays(-3), LastUsedAt = confirmed ? DateTimeOffset.UtcNow.AddHours(-1) : null,
            Secret = factor is Factor.OtpToken or Factor.Push ? Seed : null,
            PublicKey = factor == Factor.Push ? [0x30, 0x59, 0x30, 0x13, 0x06, 0x07] : null,
            Destination = factor == Factor.Sms ? "+15550001234" : null,
        }, default);

    [Fact]
    public async Task List_ShowsFactorLabelDatesConfirmed_NeverSecrets()
    {
        await EnrollAsync(_nurse.Id, Factor.Push, "iPhone");
        await EnrollAsync(_nurse.Id, Factor.Sms, "Work phone", confirmed: false);
        var response = await Root.Http.GetAsync($"/console/api/users/{_nurse.Id}/methods");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var methods = JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, methods.Count);
        var push = methods.Single(m => m.GetProperty("factor").GetString() == "push");
        Assert.Equal("iPhone", push.GetProperty("label").GetString());
        Assert.True(push.GetProperty("confirmed").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, push.GetProperty("lastUsedAt").ValueKind);
        Assert.False(methods.Single(m => m.GetProperty("factor").GetString() == "sms").GetProperty("confirmed").GetBoolean());
        foreach (var forbidden in new[] { "secret", "publicKey", "destination", "counter", "version", Convert.ToBase64String(Seed), "+15550001234" })
            Assert.DoesNotContain(forbidden, body, StringComparison.OrdinalIgnoreCase);

        var page = await Root.Http.GetStringAsync($"/console/users/{_nurse.Id}");
        Assert.Contains("Enrolled methods", page);
        Assert.Contains("iPhone", page);
        Assert.DoesNotContain(Convert.ToBase64String(Seed), page);
        Assert.DoesNotContain("+15550001234", page);
        Assert.Equal(HttpStatusCode.NotFound, (await Root.Http.GetAsync("/console/api/users/nobody/methods")).StatusCode);
    }

    [Fact]
    public async Task Remove_DeletesOnlyThatEnrollment_AuditedWithActor()
    {
        var phone = await EnrollAsync(_nurse.Id, Factor.Push, "iPhone");
        var token = await EnrollAsync(_nurse.Id, Factor.OtpToken, "Token");
        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Delete, $"/console/api/users/{_nurse.Id}/methods/{phone.Id}")).StatusCode);
        Assert.Equal([token.Id], (await Enrollments.ListAsync(_nurse.Id, default)).Select(e => e.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await Root.SendAsync(HttpMethod.Delete, $"/console/api/users/{_nurse.Id}/methods/{phone.Id}")).StatusCode);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.user.mfa.remove" && e.Result == "success" && e.Actor == "root" && e.UserId == _nurse.Id
            && e.Detail == $"enrollment={phone.Id};factor=push");
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.user.mfa.remove" && e.Result == "failure" && e.Reason == "not_found");
        // Removing one method is not a credential change: sessions stay.
        var user = await Host.App.Services.GetRequiredService<IDirectoryStore>().FindUserByIdAsync(_nurse.Id, default);
        Assert.Equal(_nurse.CredentialsChangedAt, user!.CredentialsChangedAt);
    }

    [Fact]
    public async Task Reset_RemovesAllBumpsCredentialsAndThePolicyEngineSeesNoEnrollment()
    {
        var store = Host.App.Services.GetRequiredService<IPolicyStore>();
        await store.SaveWorkflowPolicyAsync(new WorkflowPolicy { WebSso = new Workflow { SecondFactors = [Factor.Push, Factor.OtpToken], UserPolicyIds = [UserPolicy.DefaultId] } }, default);
        await EnrollAsync(_nurse.Id, Factor.Push, "iPhone");
        await EnrollAsync(_nurse.Id, Factor.OtpToken, "Token");
        var other = await Host.CreateUserAsync("other");
        await EnrollAsync(other.Id, Factor.Push, "Android");
        var engine = Host.App.Services.GetRequiredService<PolicyEngine>();
        Assert.Equal(PlanOutcome.SecondFactor, (await engine.PlanAsync(_nurse, WorkflowKind.WebSso, default)).Outcome);

        var response = await Root.SendAsync(HttpMethod.Post, $"/console/api/users/{_nurse.Id}/methods/reset");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("removed").GetInt32());

        Assert.Empty(await Enrollments.ListAsync(_nurse.Id, default));
        Assert.Single(await Enrollments.ListAsync(other.Id, default));
        var after = await Host.App.Services.GetRequiredService<IDirectoryStore>().FindUserByIdAsync(_nurse.Id, default);
        Assert.True(after!.CredentialsChangedAt > _nurse.CredentialsChangedAt);
        var plan = await engine.PlanAsync(after, WorkflowKind.WebSso, default);
        Assert.Equal(PlanOutcome.Enroll, plan.Outcome);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.user.mfa.reset" && e.Result == "success" && e.Actor == "root" && e.UserId == _nurse.Id
            && e.Detail!.StartsWith("removed=2;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await Root.SendAsync(HttpMethod.Post, "/console/api/users/nobody/methods/reset")).StatusCode);
    }

    [Fact]
    public async Task Helpdesk_MayViewRemoveAndReset_ThroughApiAndConsoleForms()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");
        var phone = await EnrollAsync(_nurse.Id, Factor.Push, "iPhone");
        await EnrollAsync(_nurse.Id, Factor.Sms, "Phone");
        Assert.Equal(HttpStatusCode.OK, (await desk.Http.GetAsync($"/console/api/users/{_nurse.Id}/methods")).StatusCode);

        var page = await desk.Http.GetStringAsync($"/console/users/{_nurse.Id}");
        Assert.Contains("Reset all enrolled methods", page);
        var csrf = AdminClient.CsrfFrom(page);
        var removed = await desk.Http.PostAsync($"/console/users/{_nurse.Id}/methods/{phone.Id}/remove", new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = csrf }));
        Assert.Equal(HttpStatusCode.SeeOther, removed.StatusCode);
        Assert.Equal($"/console/users/{_nurse.Id}?saved=1", removed.Headers.Location?.OriginalString);
        Assert.Single(await Enrollments.ListAsync(_nurse.Id, default));

        var forged = await desk.Http.PostAsync($"/console/users/{_nurse.Id}/methods/reset", new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = "forged" }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Single(await Enrollments.ListAsync(_nurse.Id, default));

        Assert.Equal(HttpStatusCode.OK, (await desk.SendAsync(HttpMethod.Post, $"/console/api/users/{_nurse.Id}/methods/reset")).StatusCode);
        Assert.Empty(await Enrollments.ListAsync(_nurse.Id, default));
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.user.mfa.remove" && e.Actor == "desk" && e.Result == "success");
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.user.mfa.reset" && e.Actor == "desk" && e.Result == "success");
    }

    [Fact]
    public async Task Helpdesk_CannotResetOrRemoveAnAdministratorsMethods_SuperadminMay()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        var boss = await Host.CreateUserAsync("boss", AdminRole.Superadmin);
        var peer = await Host.CreateUserAsync("peer", AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");
        using var bossConsole = await Host.SignInAsync("boss");

        foreach (var target in new[] { boss, peer })
        {
            var phone = await EnrollAsync(target.Id, Factor.Push, "iPhone");
            var reset = await desk.SendAsync(HttpMethod.Post, $"/console/api/users/{target.Id}/methods/reset");
            var remove = await desk.SendAsync(HttpMethod.Delete, $"/console/api/users/{target.Id}/methods/{phone.Id}");

            Assert.Equal(HttpStatusCode.Forbidden, reset.StatusCode);
            Assert.Contains(Imprivata.Functions.Admin.AdminPrincipal.AdministratorAccount, await reset.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Forbidden, remove.StatusCode);
            Assert.Contains(await Enrollments.ListAsync(target.Id, default), e => e.Id == phone.Id);
            Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.user.mfa.reset" && e.Actor == "desk" && e.UserId == target.Id
                && e.Result == "failure" && e.Reason == Imprivata.Functions.Admin.AdminPrincipal.AdministratorAccount);
        }
        // The refused reset did not mark the superadmin's credentials changed: their console session goes on.
        Assert.Equal(HttpStatusCode.OK, (await bossConsole.Http.GetAsync("/console/api/session")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Root.SendAsync(HttpMethod.Post, $"/console/api/users/{peer.Id}/methods/reset")).StatusCode);
        Assert.Empty(await Enrollments.ListAsync(peer.Id, default));
    }

    [Fact]
    public async Task Helpdesk_ConsoleRefusalOnAnAdministrator_SaysWhy()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        var boss = await Host.CreateUserAsync("boss", AdminRole.Superadmin);
        await EnrollAsync(boss.Id, Factor.Push, "iPhone");
        using var desk = await Host.SignInAsync("desk");

        var refused = await desk.PostFormAsync($"/console/users/{boss.Id}/methods/reset");
        var page = await desk.Http.GetStringAsync(refused.Headers.Location!.OriginalString);

        Assert.Contains(ConsoleForms.Html("Only a superadmin can change an administrator's enrolled methods"), page);
        Assert.DoesNotContain(Imprivata.Functions.Admin.AdminMessages.Fallback, page);
    }

    [Fact]
    public async Task WithoutAdminSession_MethodsAreRefused()
    {
        await EnrollAsync(_nurse.Id, Factor.Push, "iPhone");
        using var anonymous = Host.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync($"/console/api/users/{_nurse.Id}/methods")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Post, $"/console/api/users/{_nurse.Id}/methods/reset")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Root.SendAsync(HttpMethod.Post, $"/console/api/users/{_nurse.Id}/methods/reset", withCsrf: false)).StatusCode);
        Assert.Single(await Enrollments.ListAsync(_nurse.Id, default));
    }
}
