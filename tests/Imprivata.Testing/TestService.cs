using Imprivata.Functions.Oidc;
using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions;
using Imprivata.Functions.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imprivata.Testing;

/// <summary>
/// The real service in this process: Kestrel on a free loopback port, fresh tables in the shared Azurite, software keys.
/// Tests talk to it over HTTP like any client.
/// </summary>
public sealed class TestService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestService(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }
    public string Issuer => BaseUri.ToString();
    public IServiceProvider Services => _app.Services;

    /// <param name="host">"localhost" where browsers must accept the host as a WebAuthn relying party (they refuse IP addresses).</param>
    /// <param name="build">What builds the app from arguments and a configure hook: <see cref="ServiceApp.Build"/> (the packaged
    /// service) unless a test project of a host around it passes its own (the demo's DemoApp.Build).</param>
    public static async Task<TestService> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null,
        string host = "127.0.0.1", Func<string[], Action<WebApplicationBuilder>?, WebApplication>? build = null)
    {
        build ??= ServiceApp.Build;
        var tables = Azurite.NewTables();
        // A free port can be taken by a parallel test (another service, a relying party) before Kestrel binds it: try anew.
        for (var attempt = 1; ; attempt++)
        {
            var port = Ports.FreeTcp();
            var baseUri = new Uri($"http://{host}:{port}/");
            var app = build([], builder =>
            {
                var values = new Dictionary<string, string?>
                {
                    ["urls"] = baseUri.ToString().TrimEnd('/'),
                    ["Imprivata:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Imprivata:PublicBaseUrl"] = baseUri.ToString().TrimEnd('/'),
                    ["Imprivata:Storage:ConnectionString"] = tables.ConnectionString,
                    ["Imprivata:Storage:TablePrefix"] = tables.TablePrefix,
                };
                foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                    values[key] = value;
                builder.Configuration.AddInMemoryCollection(values);
                builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
                configure?.Invoke(builder);
            });
            try
            {
                await app.StartAsync();
                return new TestService(app, baseUri);
            }
            catch (IOException e) when (attempt < 5 && e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await app.DisposeAsync();
            }
        }
    }

    public async Task<DirectoryUser> AddUserAsync(string username, string password, string? email = null, bool licensedForSso = true,
        string organizationalUnit = "", AdminRole role = AdminRole.None)
    {
        var users = Services.GetRequiredService<DirectoryService>();
        var result = await users.CreateUserAsync(new UserFields
        {
            Username = username,
            DisplayName = username + " Example",
            Email = email ?? username + "@example.org",
            LicensedForSso = licensedForSso,
            OrganizationalUnit = organizationalUnit,
            AdminRole = role,
        }, password, CancellationToken.None);
        return result.Value ?? throw new InvalidOperationException("user not created: " + result.Error);
    }

    /// <summary>Registers an OIDC app profile the way the admin console does and returns its client secret.</summary>
    /// <param name="requirePkce">The app profile's "Require PKCE" (on unless a test needs an app that redeems codes with its secret alone).</param>
    public async Task<string> AddOidcAppAsync(string clientId, IReadOnlyList<Uri> redirectUris, IReadOnlyList<Uri>? postLogoutRedirectUris = null,
        AppDeployment? deployment = null, string displayName = "Test app", Uri? backchannelLogoutUri = null, bool requirePkce = true)
    {
        var secret = await Services.GetRequiredService<IOidcClientRegistry>()
            .CreateAsync(clientId, displayName, redirectUris, postLogoutRedirectUris ?? [], requirePkce, CancellationToken.None);
        await Services.GetRequiredService<IAppProfileStore>().SaveAsync(new AppProfile
        {
            ClientId = clientId,
            Protocol = AppProtocols.OpenIdConnect,
            AdminName = displayName + " (admin)",
            DisplayName = displayName,
            Deployment = deployment ?? new AppDeployment { Deployed = true, AllUsersAndGroups = true },
            BackchannelLogoutUri = backchannelLogoutUri,
        }, CancellationToken.None);
        return secret;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
