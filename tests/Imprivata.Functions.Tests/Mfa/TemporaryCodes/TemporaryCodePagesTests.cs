using System.Net;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Tests.Admin;
using static Imprivata.Functions.Tests.Admin.ConsoleForms;

namespace Imprivata.Functions.Tests.Mfa.TemporaryCodes;

/// <summary>Users > Temporary codes: the user found by search fills the form in; a refusal keeps what was typed and says why.</summary>
public sealed class TemporaryCodePagesTests : SignedInSuperadmin
{
    [Fact]
    public async Task FindUser_ListsMatches_EachFillsTheUsernameIn()
    {
        await Host.CreateUserAsync("O'Brien");
        await Host.CreateUserAsync("brienne");
        await Host.CreateUserAsync("nurse");

        var found = await Root.Http.GetStringAsync("/console/temporary-codes?q=BRIEN");
        var chosen = await Root.Http.GetStringAsync("/console/temporary-codes?username=" + Uri.EscapeDataString("O'Brien"));

        Assert.Contains(Html("/console/temporary-codes?username=" + Uri.EscapeDataString("O'Brien")), found);
        Assert.Contains(">brienne</a>", found);
        Assert.DoesNotContain(">nurse</a>", found);
        Assert.Contains("name=\"username\" placeholder=\"Username\" aria-label=\"Username\" required maxlength=\"64\" value=\"" + Html("O'Brien") + "\"", chosen);
    }

    [Fact]
    public async Task Issue_ForAnAdministratorAsHelpdesk_RefusedSayingWhy_UsernameKept()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        await Host.CreateUserAsync("boss", AdminRole.Superadmin);
        using var desk = await Host.SignInAsync("desk");

        var page = await RefusedPageAsync(await desk.PostFormAsync("/console/temporary-codes/issue", ("username", "boss"), ("validity", "4h")), HttpStatusCode.Forbidden);

        Assert.Contains(Html(AdminMessages.Describe(AdminPrincipal.AdministratorAccount)), page);
        Assert.Contains("value=\"boss\"", page);
        Assert.Contains("<option value=\"4h\" selected", page);
    }

    [Fact]
    public async Task Issue_UnknownUser_404_SaysSo()
    {
        var page = await RefusedPageAsync(await Root.PostFormAsync("/console/temporary-codes/issue", ("username", "nobody")), HttpStatusCode.NotFound);

        Assert.Contains(Html(AdminMessages.Describe("user_not_found")), page);
        Assert.Contains("value=\"nobody\"", page);
    }
}
