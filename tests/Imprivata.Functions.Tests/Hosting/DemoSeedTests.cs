using Imprivata.Core.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Hosting;

/// <summary>run.sh's demo: the first seed turns on Web SSO second factors for everybody, with enrollment prompted and delayable.</summary>
public sealed class DemoSeedTests
{
    [Fact]
    public async Task FirstSeed_MakesWebSsoMfaLive_WithAPromptThatMayBeDelayed()
    {
        var folder = Directory.CreateTempSubdirectory("imp-demo-").FullName;
        try
        {
            await using var service = await TestService.StartAsync(new Dictionary<string, string?>
            {
                ["Imprivata:Demo:Seed"] = "true",
                ["Imprivata:Demo:Folder"] = folder,
            });
            var policies = service.Services.GetRequiredService<IPolicyStore>();
            var workflow = await policies.GetWorkflowPolicyAsync(CancellationToken.None);
            Assert.Contains(UserPolicy.DefaultId, workflow.WebSso.UserPolicyIds);
            Assert.NotEmpty(workflow.WebSso.SecondFactors);
            var rule = (await policies.ListEnrollmentRulesAsync(CancellationToken.None)).Single(r => r.Id == EnrollmentRule.DefaultId);
            Assert.Equal(EnrollmentPrompt.AtLogin, rule.Prompt);
            Assert.True(rule.MayDelay);
            Assert.True(File.Exists(Path.Combine(folder, "demo.json")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
