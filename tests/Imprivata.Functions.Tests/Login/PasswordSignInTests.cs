using System.Net;
using Imprivata.Core.Audit;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Login;

/// <summary>The password POST's first step: what is not a form gets the login page again (400) and an audit event, never a 500.</summary>
public sealed class PasswordSignInTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    [Fact]
    public async Task NotAFormPost_400WithTheLoginPage_AuditedAsInvalidRequest()
    {
        var since = DateTimeOffset.UtcNow;
        using var browser = fx.NewBrowser();

        var response = await browser.Http.PostAsync("/login", new StringContent("{\"username\":\"x\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The sign-in form was not submitted correctly.", await response.Content.ReadAsStringAsync());
        var events = new List<AuditEvent>();
        await foreach (var e in fx.Service.Services.GetRequiredService<IAuditLog>().QueryAsync(since.AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            if (e.Time >= since && e.Kind == AuditKinds.LoginPassword)
                events.Add(e);
        var refused = Assert.Single(events);
        Assert.Equal((AuditResults.Failure, AuditReasons.InvalidRequest), (refused.Result, refused.Reason));
        Assert.Null(refused.Username);
    }
}
