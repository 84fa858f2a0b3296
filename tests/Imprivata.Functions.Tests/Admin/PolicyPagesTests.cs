using System.Net;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Admin.Policies;
using Microsoft.Extensions.DependencyInjection;
using static Imprivata.Functions.Tests.Admin.ConsoleForms;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>User policy pages: a policy no workflow uses is flagged, refusals come back as typed, members come from searches.</summary>
public sealed class PolicyPagesTests : SignedInSuperadmin
{
    private IPolicyStore Store => Host.App.Services.GetRequiredService<IPolicyStore>();

    private async Task<string> CreateAsync(string name)
    {
        var response = await Root.PostFormAsync("/console/user-policies", ("name", name), ("order", "5"));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return (await Store.ListUserPoliciesAsync(default)).Single(p => p.Name == name).Id;
    }

    [Fact]
    public async Task PolicyInNoWorkflow_WarnedOnItsPageAndInTheList_UntilAWorkflowUsesIt()
    {
        var pilot = await CreateAsync("Pilot");

        var page = await Root.Http.GetStringAsync($"/console/user-policies/{pilot}");
        var list = await Root.Http.GetStringAsync("/console/user-policies");
        await Store.SaveWorkflowPolicyAsync(new WorkflowPolicy { RemoteAccess = new Workflow { SecondFactors = [Factor.Push], UserPolicyIds = [pilot] } }, default);
        var covered = await Root.Http.GetStringAsync($"/console/user-policies/{pilot}");
        var coveredList = await Root.Http.GetStringAsync("/console/user-policies");

        Assert.Contains("id=\"policy-no-workflow\"", page);
        Assert.Contains(Html(PolicyCoverage.NoneWarning), page);
        Assert.Contains(Html("None: password only"), list);
        Assert.DoesNotContain("id=\"policy-no-workflow\"", covered);
        Assert.Contains("Remote access log in", covered);
        Assert.Contains("Remote access log in", coveredList);
    }

    [Fact]
    public async Task AddPolicy_TakenName_FormShownAgainAsTyped()
    {
        await CreateAsync("Pilot");

        var page = await RefusedPageAsync(await Root.PostFormAsync("/console/user-policies", ("name", "PILOT"), ("description", "again"), ("order", "7")));

        Assert.Contains(Html(AdminMessages.Describe(PolicyErrors.PolicyNameTaken)), page);
        Assert.Contains("value=\"PILOT\"", page);
        Assert.Contains("value=\"again\"", page);
        Assert.Contains("value=\"7\"", page);
    }

    [Fact]
    public async Task EditPolicy_BadDomain_EverythingTypedKept_IncludingTickedMembers()
    {
        var pilot = await CreateAsync("Pilot");
        var nurse = await Host.CreateUserAsync("nurse");

        var page = await RefusedPageAsync(await Root.PostFormAsync($"/console/user-policies/{pilot}", ("name", "Pilot"), ("order", "5"),
            ("domains", "corp.example\r\nnot a domain"), ("organizationalUnits", "Clinical/Nursing"), ("userIds", nurse.Id)));

        Assert.Contains(Html(AdminMessages.Describe(PolicyErrors.DomainInvalid)), page);
        Assert.Contains(Html("corp.example\nnot a domain"), page);
        Assert.Contains("Clinical/Nursing</textarea>", page);
        Assert.Contains($"name=\"userIds\" value=\"{nurse.Id}\" checked", page);
        Assert.Empty((await Store.ListUserPoliciesAsync(default)).Single(p => p.Id == pilot).Members.Domains);
    }

    [Fact]
    public async Task EditPolicy_FindUsers_ShowsMatchesUnticked_KeepsTheTickedOnes_SavesNothing()
    {
        var pilot = await CreateAsync("Pilot");
        var nurse = await Host.CreateUserAsync("nurse");
        var joy = await Host.CreateUserAsync("nurse.joy");

        var found = await Root.PostFormAsync($"/console/user-policies/{pilot}", ("name", "Pilot renamed"), ("order", "5"), ("userIds", nurse.Id),
            ("userq", "joy"), ("find", "users"));
        var page = await found.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains("value=\"Pilot renamed\"", page);
        Assert.Contains($"name=\"userIds\" value=\"{nurse.Id}\" checked", page);
        Assert.Contains($"name=\"userIds\" value=\"{joy.Id}\" />", page);
        Assert.Equal("Pilot", (await Store.ListUserPoliciesAsync(default)).Single(p => p.Id == pilot).Name);
    }
}
