using System.Net;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Setup;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin.Setup;

/// <summary>Where the setup secret comes from when the deployment has no Key Vault secret URI.</summary>
public sealed class FirstAdministratorSetupTests
{
    [Fact]
    public async Task WithoutASecret_ThePageAnswers404_AndSaysHowTheFirstAdministratorIsMade()
    {
        await using var svc = await TestService.StartAsync();
        using var http = new HttpClient { BaseAddress = svc.BaseUri };

        using var get = await http.GetAsync(SetupEndpoints.Path);
        using var post = await SetupEndpointsTests.PostSetupAsync(http, "anything", "first.admin", "a long enough password", "a long enough password");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (get.StatusCode, post.StatusCode));
        Assert.Contains("no setup secret", await get.Content.ReadAsStringAsync());
        Assert.Null(await svc.Services.GetRequiredService<IDirectoryStore>().FindUserByUsernameAsync("first.admin", CancellationToken.None));
    }

    [Fact]
    public async Task ASecretSetting_OpensThePage_Once()
    {
        await using var svc = await TestService.StartAsync(new Dictionary<string, string?> { [FirstAdministratorSetup.SecretSetting] = "local-setup-secret" });
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = svc.BaseUri };

        using var created = await SetupEndpointsTests.PostSetupAsync(http, "local-setup-secret", "first.admin", "a long enough password", "a long enough password");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(AdminRole.Superadmin, (await svc.Services.GetRequiredService<IDirectoryStore>().FindUserByUsernameAsync("first.admin", CancellationToken.None))!.AdminRole);
        using var after = await http.GetAsync(SetupEndpoints.Path);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task AnHttpSecretUri_StopsTheServiceAtStart()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => TestService.StartAsync(
            new Dictionary<string, string?> { [FirstAdministratorSetup.SecretUriSetting] = "http://vault.example/secrets/setup-secret" }));
        Assert.Contains(FirstAdministratorSetup.SecretUriSetting, e.Message);
    }
}
