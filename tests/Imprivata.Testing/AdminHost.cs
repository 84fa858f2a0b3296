using Imprivata.Functions.Oidc;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions;
using Imprivata.Functions.Admin;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moq;

namespace Imprivata.Testing;

/// <summary>The whole service on a real Kestrel at 127.0.0.1:0 with fresh Azurite tables, an in-memory audit log and a mocked OIDC registry.</summary>
public sealed partial class AdminHost : IAsyncDisposable
{
    public const string Password = "a long enough password";
    public required WebApplication App { get; init; }
    public required Uri BaseAddress { get; init; }
    public required InMemoryAuditLog Audit { get; init; }
    public required Mock<IOidcClientRegistry> Registry { get; init; }

    /// <param name="configure">Runs last: a test's own services (a fake clock, a log recorder).</param>
    public static async Task<AdminHost> StartAsync(string publicBaseUrl = "http://127.0.0.1:7071", IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var tables = Azurite.NewTables();
        var audit = new InMemoryAuditLog();
        var registry = new Mock<IOidcClientRegistry>();
        registry.Setup(r => r.CreateAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<Uri>>(), It.IsAny<IReadOnlyList<Uri>>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync("the-client-secret");
        var app = ServiceApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["urls"] = "http://127.0.0.1:0",
                ["Imprivata:PublicBaseUrl"] = publicBaseUrl,
                ["Imprivata:Storage:ConnectionString"] = tables.ConnectionString,
                ["Imprivata:Storage:TablePrefix"] = tables.TablePrefix,
            });
            if (settings is not null)
                builder.Configuration.AddInMemoryCollection(settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IAuditLog>(audit);
            builder.Services.AddSingleton(registry.Object);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AdminHost { App = app, BaseAddress = new Uri(address), Audit = audit, Registry = registry };
    }

    public async Task<DirectoryUser> CreateUserAsync(string username, AdminRole role = AdminRole.None, string? ou = null)
    {
        var service = App.Services.GetRequiredService<DirectoryService>();
        var result = await service.CreateUserAsync(new UserFields { Username = username, AdminRole = role, OrganizationalUnit = ou ?? "" }, Password, default);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    /// <summary>A browser whose administrator completes the second factor with a fresh authenticator app at each sign-in.</summary>
    public AdminClient NewClient() => new(BaseAddress) { Authenticator = username => ConsoleSecondFactor.FreshTokenCodeAsync(App.Services, username) };

    /// <summary>Signs in through the real login form (password, then the second factor) and picks up the session's CSRF token from /console/api/session.</summary>
    public async Task<AdminClient> SignInAsync(string username, string password = Password)
    {
        var client = NewClient();
        var response = await client.PostLoginAsync(username, password);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/console/users", response.Headers.Location?.OriginalString);
        var session = await client.Http.GetFromJsonAsync<SessionView>("/console/api/session");
        client.Csrf = session!.CsrfToken;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public sealed record SessionView(string Id, string Username, string Role, string CsrfToken);
}

public sealed partial class AdminClient : IDisposable
{
    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }
    public string? Csrf { get; set; }

    public AdminClient(Uri baseAddress) =>
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    public static string CsrfFrom(string html) => CsrfField().Match(html).Groups[1].Value;

    /// <summary>Gives the code of <c>username</c>'s authenticator app, or null to enroll one from the page shown.</summary>
    public Func<string, Task<string>>? Authenticator { get; init; }

    /// <summary>The whole sign-in: the password and, when asked for, the second factor (enrolling an app if the page offers one).</summary>
    public async Task<HttpResponseMessage> PostLoginAsync(string username, string password)
    {
        var response = await PostPasswordAsync(username, password);
        return response.Headers.Location?.OriginalString == ConsoleSecondFactor.Path ? await PostSecondFactorAsync(username) : response;
    }

    public async Task<HttpResponseMessage> PostSecondFactorAsync(string username)
    {
        var code = Authenticator is null ? null : await Authenticator(username);
        var page = await Http.GetStringAsync(ConsoleSecondFactor.Path);
        if (ConsoleSecondFactor.ManualKeyOf(page) is { } key)
            code = ConsoleSecondFactor.CurrentCode(key);
        return await PostCodeAsync(CsrfFrom(page), code ?? throw new InvalidOperationException("No authenticator for " + username));
    }

    public Task<HttpResponseMessage> PostCodeAsync(string csrf, string code) =>
        Http.PostAsync(ConsoleSecondFactor.Path, new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = csrf, ["code"] = code }));

    /// <summary>The password step alone.</summary>
    public async Task<HttpResponseMessage> PostPasswordAsync(string username, string password)
    {
        var page = await Http.GetStringAsync("/console/login");
        return await Http.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = CsrfFrom(page), ["username"] = username, ["password"] = password,
        }));
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? json = null, bool withCsrf = true)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = JsonContent.Create(json);
        if (withCsrf && Csrf is not null)
            request.Headers.Add(AdminHttp.CsrfHeader, Csrf);
        return Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();
}

public sealed class InMemoryAuditLog : IAuditLog
{
    public List<AuditEvent> Events { get; } = [];

    public Task AppendAsync(AuditEvent auditEvent, CancellationToken ct)
    {
        lock (Events)
            Events.Add(auditEvent);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<AuditEvent> QueryAsync(DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        List<AuditEvent> copy;
        lock (Events)
            copy = [.. Events];
        foreach (var e in copy.Where(e => e.Time >= from && e.Time < to).OrderByDescending(e => e.Time))
            yield return e;
    }
}
