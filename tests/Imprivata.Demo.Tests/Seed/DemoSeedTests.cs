using System.Security.Cryptography;
using System.Text.Json;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Imprivata.Demo.Seed;
using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Imprivata.Demo.Tests.Seed;

/// <summary>run.sh's demo: what the seed sets up and what it leaves in the demo folder for the script to print.</summary>
public sealed class DemoSeedTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("imp-demo-").FullName;
    private TestService _service = null!;

    public async Task InitializeAsync() => _service = await TestService.StartAsync(new Dictionary<string, string?>
    {
        [DemoApp.SeedKey] = "true",
        [DemoApp.FolderKey] = _folder,
    }, build: DemoApp.Build);

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private JsonElement DemoJson() => JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "demo.json"))).RootElement.Clone();

    private Task SeedAgainAsync() =>
        _service.Services.GetServices<IHostedService>().OfType<DemoSeed>().Single().StartAsync(CancellationToken.None);

    [Fact]
    public async Task FirstSeed_MakesWebSsoMfaLive_WithAPromptThatMayBeDelayed()
    {
        var policies = _service.Services.GetRequiredService<IPolicyStore>();
        var workflow = await policies.GetWorkflowPolicyAsync(CancellationToken.None);
        Assert.Contains(UserPolicy.DefaultId, workflow.WebSso.UserPolicyIds);
        Assert.NotEmpty(workflow.WebSso.SecondFactors);
        var rule = (await policies.ListEnrollmentRulesAsync(CancellationToken.None)).Single(r => r.Id == EnrollmentRule.DefaultId);
        Assert.Equal(EnrollmentPrompt.AtLogin, rule.Prompt);
        Assert.True(rule.MayDelay);
        Assert.True(File.Exists(Path.Combine(_folder, "demo.json")));
    }

    [Fact]
    public void FirstSeed_SignInHint_OffersToSetUpASecondFactorOrRemindLater()
    {
        var hint = DemoJson().GetProperty("signIn").GetString();

        Assert.StartsWith("The demo user has no second factor yet: the sign-in offers to set one up (", hint);
        Assert.EndsWith(" or to be reminded later.", hint);
    }

    [Fact]
    public async Task DemoUserEnrolled_NextSeed_HintSaysTheSignInAsksForIt_NotToSetOneUp()
    {
        var demo = (await _service.Services.GetRequiredService<IDirectoryStore>().FindUserByUsernameAsync(DemoSeed.DemoUsername, CancellationToken.None))!;
        await _service.Services.GetRequiredService<IEnrollmentStore>().AddAsync(new Enrollment
        {
            Id = "app-" + Guid.NewGuid().ToString("N")[..8], UserId = demo.Id, Factor = Factor.OtpToken, Label = "Authenticator",
            Confirmed = true, CreatedAt = DateTimeOffset.UtcNow, Secret = RandomNumberGenerator.GetBytes(20), Otp = new OtpParameters(),
        }, CancellationToken.None);

        await SeedAgainAsync();

        Assert.Equal("After the password, the demo user's sign-in asks for a second factor they have: a one-time code.",
            DemoJson().GetProperty("signIn").GetString());
    }

    [Fact]
    public async Task Seed_KeepsThePasswordAndSecret_AndWritesWhereTheServiceAnswers()
    {
        var first = DemoJson();

        await SeedAgainAsync();

        var second = DemoJson();
        Assert.Equal(first.GetProperty("password").GetString(), second.GetProperty("password").GetString());
        Assert.Equal(first.GetProperty("clientSecret").GetString(), second.GetProperty("clientSecret").GetString());
        var publicBase = _service.Services.GetRequiredService<IOptions<ServiceOptions>>().Value.PublicBase;
        Assert.Equal(publicBase.ToString().TrimEnd('/'), File.ReadAllText(Path.Combine(_folder, "public-url")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Seed_CredentialFiles_ReadableByTheOwnerOnly_AlsoWhenAnEarlierRunLeftThemWider()
    {
        var demoJson = Path.Combine(_folder, "demo.json");
        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(demoJson));
        // The break-glass password is written at the first start of an enterprise only; its file is owner-only too.
        var once = Path.Combine(_folder, "breakglass-once.txt");
        Assert.True(File.Exists(once));
        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(once));

        File.SetUnixFileMode(demoJson, OwnerOnlyFile.Mode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await SeedAgainAsync();

        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(demoJson));
    }
}
