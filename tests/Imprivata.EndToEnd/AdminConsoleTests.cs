using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;
using Imprivata.Core.UserDirectory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprivata.EndToEnd;

/// <summary>
/// The admin console as an administrator meets it in Chromium: refused forms keep what was typed and say where, the
/// audit log fits its window, fraud alerts can be found and cleared, pickers search without JavaScript, policies that
/// leave users on the password are flagged, and refusals say why.
/// </summary>
[Collection("AdminConsole")]
public sealed class AdminConsoleTests(AdminConsoleFixture f)
{
    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = AdminConsoleFixture.Timeout };
    private static readonly LocatorAssertionsToHaveValueOptions WaitValue = new() { Timeout = AdminConsoleFixture.Timeout };

    private T Service<T>() where T : notnull => f.Service.Services.GetRequiredService<T>();

    [Fact]
    public async Task AddUser_RefusedName_FormKeepsWhatWasTyped_ButNotThePassword_ThenOBrienIsAccepted()
    {
        var page = await f.SignInAsync("root");
        await page.GotoAsync(f.Url("console/users/new"));
        await page.FillAsync("input[name=username]", "siobhan obrien");
        await page.FillAsync("input[name=displayName]", "Siobhán O'Brien");
        await page.FillAsync("input[name=email]", "siobhan@example.org");
        await page.FillAsync("input[name=organizationalUnit]", "Clinical/Nursing");
        await page.SelectOptionAsync("select[name=adminRole]", "Helpdesk");
        await page.FillAsync("input[name=password]", "a long enough password");
        await page.ClickAsync("button.primary");

        await Expect(page.Locator("p.error")).ToContainTextAsync("Usernames use letters", Wait);
        await Expect(page.Locator("input[name=username]")).ToHaveValueAsync("siobhan obrien", WaitValue);
        await Expect(page.Locator("input[name=displayName]")).ToHaveValueAsync("Siobhán O'Brien", WaitValue);
        await Expect(page.Locator("input[name=email]")).ToHaveValueAsync("siobhan@example.org", WaitValue);
        await Expect(page.Locator("input[name=organizationalUnit]")).ToHaveValueAsync("Clinical/Nursing", WaitValue);
        await Expect(page.Locator("select[name=adminRole]")).ToHaveValueAsync("Helpdesk", WaitValue);
        await Expect(page.Locator("input[name=password]")).ToHaveValueAsync("", WaitValue);

        await page.FillAsync("input[name=username]", "S.O'Brien");
        await page.FillAsync("input[name=password]", "a long enough password");
        await page.ClickAsync("button.primary");
        await Expect(page.Locator("h1")).ToContainTextAsync("User S.O'Brien", Wait);
        await Expect(page.Locator("p.notice")).ToContainTextAsync("Saved.", Wait);
    }

    [Fact]
    public async Task AddApp_BadRedirectUri_ErrorNamesTheLine_FieldsKept_PkceOfferedAndOnByDefault()
    {
        var page = await f.SignInAsync("root");
        await page.GotoAsync(f.Url("console/apps/new/oidc"));
        await Expect(page.Locator("label.check", new() { HasText = "Require PKCE (recommended)" }).Locator("input")).ToBeCheckedAsync(new() { Timeout = AdminConsoleFixture.Timeout });
        await page.FillAsync("input[name=adminName]", "Payroll (prod)");
        await page.FillAsync("input[name=displayName]", "Payroll");
        await page.FillAsync("textarea[name=redirectUris]", "https://payroll.example/cb\n\nhttp://payroll.example/cb2");
        await page.UncheckAsync("input[name=requirePkce]");
        await page.ClickAsync("button.primary");

        await Expect(page.Locator("p.error")).ToContainTextAsync("Redirect URIs, line 3:", Wait);
        await Expect(page.Locator("input[name=adminName]")).ToHaveValueAsync("Payroll (prod)", WaitValue);
        await Expect(page.Locator("textarea[name=redirectUris]")).ToHaveValueAsync("https://payroll.example/cb\n\nhttp://payroll.example/cb2", WaitValue);
        await Expect(page.Locator("input[name=requirePkce]")).Not.ToBeCheckedAsync(new() { Timeout = AdminConsoleFixture.Timeout });
    }

    [Fact]
    public async Task AuditLog_FitsA1280PixelWindow_NamesTheApp_ReadableTimes()
    {
        await f.Service.AddOidcAppAsync("audit-demo-client", [new Uri("https://audit-demo.example/cb")], displayName: "Radiology viewer");
        var log = Service<IAuditLog>();
        await log.AppendAsync(new AuditEvent
        {
            Time = DateTimeOffset.UtcNow.AddMinutes(-2), Kind = AuditKinds.OidcAuthorize, Result = AuditResults.Failure, Reason = "app_not_deployed",
            Username = "a-very-long-username-" + new string('x', 60) + "@hospital.example.org", ClientId = "audit-demo-client",
            Ip = "2001:db8:85a3:1234:5678:8a2e:370:7334", Methods = "pwd+push", Detail = "detail " + string.Join(';', Enumerable.Range(0, 40).Select(i => $"key{i}=value{i}")),
            RequestId = "0HN" + new string('Q', 40),
        }, CancellationToken.None);
        var page = await f.SignInAsync("root");

        await page.GotoAsync(f.Url("console/reports/audit-log"));
        var row = page.Locator("table.audit-log tbody tr", new() { HasText = "Radiology viewer (admin)" });
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = AdminConsoleFixture.Timeout });

        var widths = await page.EvaluateAsync<int[]>("() => [document.querySelector('table.audit-log').scrollWidth, document.querySelector('main').clientWidth, document.documentElement.scrollWidth]");
        Assert.True(widths[0] <= widths[1], $"the table is {widths[0]} px wide in a {widths[1]} px card");
        Assert.True(widths[2] <= 1280, $"the page is {widths[2]} px wide in a 1280 px window");
        Assert.Matches(@"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} UTC$", (await row.Locator("time").InnerTextAsync()).Trim());
        Assert.StartsWith("a-very-long-username-", await row.Locator("td").Nth(3).GetAttributeAsync("title"));
        Assert.Equal("Client ID audit-demo-client", await row.Locator("td").Nth(5).GetAttributeAsync("title"));
        await Expect(row.Locator("td").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(intact|not sealed|CHANGED)$"), new() { Timeout = AdminConsoleFixture.Timeout });
    }

    [Fact]
    public async Task FraudAlerts_HelpdeskFindsThemFromUsers_SeesWhenAndWhere_ClearsOne()
    {
        var victim = await f.Service.AddUserAsync("fraud-victim", AdminConsoleFixture.Password);
        await Service<IPushChallengeStore>().TrySaveUserStateAsync(new PushUserState
        {
            UserId = victim.Id, Username = victim.Username, FraudBlocked = true, FraudReportedAt = new DateTimeOffset(2026, 12, 7, 20, 14, 3, TimeSpan.Zero),
            FraudChallengeId = "c-1", FraudAppName = "Payroll", FraudClientIp = "203.0.113.77",
        }, CancellationToken.None);
        var page = await f.SignInAsync("desk");

        await f.SubmitAsync(page, "nav.subnav >> text=Fraud alerts", f.Url("console/fraud-alerts"));
        var row = page.Locator($"#fraud-{victim.Id}");
        await Expect(row).ToContainTextAsync("fraud-victim", Wait);
        await Expect(row).ToContainTextAsync("7 Dec 2026, 20:14:03 UTC", Wait);
        await Expect(row).ToContainTextAsync("Payroll", Wait);
        await Expect(row).ToContainTextAsync("203.0.113.77", Wait);
        await row.Locator("button", new() { HasText = "Clear" }).ClickAsync();

        await Expect(page.Locator("p.notice")).ToContainTextAsync("Alert cleared", Wait);
        await Expect(page.Locator($"#fraud-{victim.Id}")).ToHaveCountAsync(0, new() { Timeout = AdminConsoleFixture.Timeout });
        Assert.False((await Service<PushApproval>().UserStateAsync(victim.Id, CancellationToken.None)).FraudBlocked);
    }

    [Fact]
    public async Task Groups_DuplicateNameRefused_MembersFoundBySearch_WithoutJavaScript()
    {
        var groups = Service<GroupService>();
        var ward = (await groups.CreateAsync("Browser ward", "", CancellationToken.None)).Value!;
        for (var i = 0; i < 25; i++)
            await f.Service.AddUserAsync($"porter{i:00}", AdminConsoleFixture.Password);
        await f.Service.AddUserAsync("nurse.joyce", AdminConsoleFixture.Password);
        var page = await f.SignInAsync("root", javaScript: false);

        await page.GotoAsync(f.Url("console/groups"));
        await page.FillAsync("input[name=name]", "BROWSER WARD");
        await page.ClickAsync("button.primary");
        await Expect(page.Locator("p.error")).ToContainTextAsync("A group with that name already exists", Wait);
        await Expect(page.Locator("input[name=name]")).ToHaveValueAsync("BROWSER WARD", WaitValue);

        await page.GotoAsync(f.Url($"console/groups/{ward.Id}"));
        await Expect(page.Locator(".picker-note").First).ToContainTextAsync("search to narrow the list", Wait);
        await page.FillAsync("input[name=q]", "joyce");
        await page.ClickAsync(".picker-search button");
        var result = page.Locator("ul.picker-results li", new() { HasText = "nurse.joyce" });
        await Expect(result).ToHaveCountAsync(1, new() { Timeout = AdminConsoleFixture.Timeout });
        await result.Locator("button").ClickAsync();
        await Expect(page.Locator("table tbody")).ToContainTextAsync("nurse.joyce", Wait);
    }

    [Fact]
    public async Task UserPolicy_InNoWorkflow_WarnsOnItsPageAndInTheList()
    {
        var page = await f.SignInAsync("root");
        await page.GotoAsync(f.Url("console/user-policies"));
        await page.FillAsync("input[name=name]", "Browser pilot");
        await page.ClickAsync("button.primary");

        await Expect(page.Locator("#policy-no-workflow")).ToContainTextAsync("password only", Wait);
        await page.GotoAsync(f.Url("console/user-policies"));
        await Expect(page.Locator("tr", new() { HasText = "Browser pilot" })).ToContainTextAsync("None: password only", Wait);
    }

    [Fact]
    public async Task ControlCharacterInAField_400PageNamesTheField()
    {
        var page = await f.SignInAsync("root");
        await page.GotoAsync(f.Url("console/users/new"));
        await page.FillAsync("input[name=username]", "nul-test");
        // Typed text cannot hold a NUL; pasted or scripted text can.
        await page.EvaluateAsync("() => document.querySelector('input[name=displayName]').value = 'Nul\\u0000Name'");
        await page.ClickAsync("button.primary");

        await Expect(page.Locator("p.error")).ToContainTextAsync("The field “Display name” contains a control character", Wait);
        Assert.Null(await Service<IDirectoryStore>().FindUserByUsernameAsync("nul-test", CancellationToken.None));
    }

    [Fact]
    public async Task Logo_GifHeaderInFrontOfText_IsNotAnImage()
    {
        var page = await f.SignInAsync("root");
        await page.GotoAsync(f.Url("console/settings/web-login"));
        await page.SetInputFilesAsync("input[name=logo]", new FilePayload
        {
            Name = "logo.gif", MimeType = "image/gif", Buffer = [.. "GIF89a"u8, 0x2C, 0x01, 0x2C, 0x01, 0, 0, 0, .. "<svg onload=alert(1)>"u8],
        });
        await page.ClickAsync("button.primary");

        await Expect(page.Locator("p.error")).ToContainTextAsync("Logo: The file is not a PNG, GIF or JPG image", Wait);
    }

    [Fact]
    public async Task Helpdesk_RefusedOnAnAdministrator_ToldWhy()
    {
        var boss = await f.Service.AddUserAsync("boss-with-phone", AdminConsoleFixture.Password, role: AdminRole.Superadmin);
        await Service<IEnrollmentStore>().AddAsync(new Enrollment
        {
            Id = DirectoryService.NewId(), UserId = boss.Id, Factor = Factor.Sms, Label = "Work phone", Confirmed = true, CreatedAt = DateTimeOffset.UtcNow,
            Destination = "+15550009999",
        }, CancellationToken.None);
        var page = await f.SignInAsync("desk");

        await page.GotoAsync(f.Url($"console/users/{boss.Id}"));
        await page.ClickAsync("text=Reset all enrolled methods");

        await Expect(page.Locator("p.error")).ToContainTextAsync("Only a superadmin can change an administrator's enrolled methods", Wait);
    }
}
