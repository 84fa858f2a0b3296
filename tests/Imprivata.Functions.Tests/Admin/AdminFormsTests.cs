using System.Net;
using Imprivata.Core.Audit;
using Imprivata.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Console forms carrying control characters: a 400 page that names the field, nothing saved, one audit event; never a 500.</summary>
public sealed class AdminFormsTests : SignedInSuperadmin
{
    [Theory]
    [InlineData("displayName", "Display name")]
    [InlineData("username", "Username")]
    [InlineData("password", "Password")]
    public async Task NulInAField_400PageNamingTheField_NothingSaved(string field, string label)
    {
        var fields = new Dictionary<string, string> { ["username"] = "newcomer", ["displayName"] = "New Comer", ["domain"] = "local", ["password"] = "a long enough password" };
        fields[field] += "\0";

        var response = await Root.PostFormAsync("/console/users/new", [.. fields.Select(f => (f.Key, f.Value))]);

        var page = await ConsoleForms.RefusedPageAsync(response);
        Assert.Contains($"The field “{label}” contains a control character", page);
        Assert.Null(await Host.App.Services.GetRequiredService<Core.UserDirectory.IDirectoryStore>().FindUserByUsernameAsync("newcomer", default));
        lock (Host.Audit.Events)
            Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminAccess && e.Reason == AuditReasons.InvalidRequest && e.Detail!.EndsWith("control character in " + label));
    }

    [Theory]
    [InlineData("\u0001")]
    [InlineData("\u001B[31m")]
    [InlineData("\u007F")]
    public async Task OtherControlCharacters_AlsoRefusedNamingTheField(string control)
    {
        var response = await Root.PostFormAsync("/console/groups", ("name", "Nurses" + control), ("description", "ward 3"));

        Assert.Contains("The field “Name” contains a control character", await ConsoleForms.RefusedPageAsync(response));
    }

    [Fact]
    public async Task NulInAMultipartForm_400PageNamingTheField()
    {
        using var content = new MultipartFormDataContent
        {
            { new StringContent(Root.Csrf!), "_csrf" },
            { new StringContent("#112233\0"), "backgroundColor" },
            { new StringContent("off"), "sessionTimeoutMinutes" },
        };

        var response = await Root.Http.PostAsync("/console/settings/web-login", content);

        Assert.Contains("The field “Background colour” contains a control character", await ConsoleForms.RefusedPageAsync(response));
    }

    [Fact]
    public async Task LineBreaksInATextArea_AreText_NotRefused()
    {
        var response = await Root.PostFormAsync("/console/apps/new/oidc", ("adminName", "EHR"), ("displayName", "EHR"),
            ("redirectUris", "https://ehr.example/cb\r\n\thttps://ehr.example/cb2\n"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Host.Registry.Verify(r => r.CreateAsync(It.IsAny<string>(), "EHR", It.Is<IReadOnlyList<Uri>>(u => u.Count == 2), It.IsAny<IReadOnlyList<Uri>>(),
            It.IsAny<bool>(), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task NulWithoutTheCsrfField_StillRefusedWithoutSavingAnything()
    {
        var response = await Root.Http.PostAsync("/console/groups", new FormUrlEncodedContent([new("name", "x\0")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await Host.App.Services.GetRequiredService<Core.UserDirectory.IDirectoryStore>().ListGroupsAsync(default).ToListAsync());
    }

    [Fact]
    public async Task AdminLogin_NulInTheUsername_FailedSignInNot500()
    {
        using var client = Host.NewClient();

        var response = await client.PostLoginAsync("root\0", AdminHost.Password);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/console/login?failed=true", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public void HasControl_TabAndLineBreaksAreText()
    {
        Assert.False(AdminForms.HasControl("a\tb\r\nc"));
        Assert.True(AdminForms.HasControl("a\0b"));
        Assert.True(AdminForms.HasControl("\u0085")); // NEL, a C1 control
    }
}
