using System.Net.Http.Json;
using System.Security.Cryptography;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Mfa.Push;
using Imprivata.Functions.Radius;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Testing.Radius;

/// <summary>
/// The real backend (<see cref="TestService"/>) set up for remote access: its own request queue and push-deadline queue in
/// the shared Azurite, the pump draining them, and helpers to seed what the console will manage (client profiles, users
/// licensed for remote access, the Remote access workflow).
/// </summary>
public sealed class RadiusBackend : IAsyncDisposable
{
    public const string Password = "a long enough password";

    private RadiusBackend(TestService service, string requestQueue)
    {
        Service = service;
        RequestQueue = requestQueue;
    }

    public TestService Service { get; }
    /// <summary>The queue edges send requests to (their <c>Bridge:RequestQueue</c>).</summary>
    public string RequestQueue { get; }

    public static async Task<RadiusBackend> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var values = new Dictionary<string, string?>
        {
            [RadiusSetup.RequestQueueSetting] = "rq-" + id,
            [PushSetup.DeadlineQueueSetting] = "pd-" + id,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        var service = await TestService.StartAsync(values);
        return new RadiusBackend(service, values[RadiusSetup.RequestQueueSetting]!);
    }

    public T Get<T>() where T : notnull => Service.Services.GetRequiredService<T>();

    public async Task<DirectoryUser> AddUserAsync(string username, bool licensed = true, string? phone = null, bool enabled = true)
    {
        var result = await Get<DirectoryService>().CreateUserAsync(new UserFields
        {
            Username = username,
            DisplayName = username + " Example",
            Email = username + "@example.org",
            Phone = phone,
            LicensedForRemoteAccess = licensed,
            Enabled = enabled,
        }, Password, CancellationToken.None);
        return result.Value ?? throw new InvalidOperationException("user not created: " + result.Error);
    }

    public Task SaveClientAsync(RadiusClientProfile profile) => Get<IRadiusClientStore>().SaveAsync(profile, CancellationToken.None);

    /// <summary>Remote access goes live for everybody (the default user policy) with these second factors.</summary>
    public async Task GoLiveAsync(IReadOnlyList<Factor> factors, bool numberMatching = false, EnrollmentRule? rule = null)
    {
        var policies = Get<IPolicyStore>();
        await policies.SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            RemoteAccess = new Workflow { SecondFactors = factors, UserPolicyIds = [UserPolicy.DefaultId] },
            Options = new AuthenticationOptions { NumberMatching = numberMatching },
        }, CancellationToken.None);
        if (rule is not null)
            await policies.SaveEnrollmentRuleAsync(rule with { Id = EnrollmentRule.DefaultId }, CancellationToken.None);
    }

    /// <summary>The seal key as an edge fetches it: GET /radius/v1/seal-key.</summary>
    public async Task<(string KeyId, string Pem)> SealKeyAsync()
    {
        using var http = new HttpClient { BaseAddress = Service.BaseUri };
        var body = (await http.GetFromJsonAsync<SealKeyEndpoint.SealKeyResponse>(SealKeyEndpoint.Path))!;
        return (body.Kid, body.Pem);
    }

    public async Task<RSA> SealPublicKeyAsync()
    {
        var (_, pem) = await SealKeyAsync();
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}
