using System.Net;
using Azure.Core;
using Azure.Data.Tables;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Keys;

/// <summary>
/// The whole service configured as in Azure (KeyProvider = keyvault) against the fake vault: it becomes ready, signs a user in
/// through the code flow, and its Secrets table then holds every data key it used only sealed by the key-encryption key.
/// </summary>
public sealed class KeyVaultServiceTests
{
    private static Task<TestService> StartOnAsync(FakeKeyVault vault) =>
        TestService.StartAsync(new Dictionary<string, string?>
        {
            ["Imprivata:KeyProvider"] = "keyvault",
            ["Imprivata:KeyVaultUrl"] = vault.VaultUri.ToString(),
            ["Imprivata:KeyVaultKeyName"] = FakeKeyVault.KeyName,
            ["Imprivata:KeyVaultWrapKeyName"] = FakeKeyVault.KekName,
        }, builder =>
        {
            builder.Services.AddSingleton<TokenCredential>(vault.Credential);
            builder.Services.AddSingleton(FakeKeyVault.Options());
        });

    [Fact]
    public async Task OnKeyVault_ASignInWorks_AndNoDataKeyIsStoredInTheClear()
    {
        using var vault = new FakeKeyVault();
        vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-3));
        var kek = vault.AddKekVersion(DateTimeOffset.UtcNow.AddDays(-3));
        await using var svc = await StartOnAsync(vault);
        using var http = new HttpClient { BaseAddress = svc.BaseUri };

        // Ready once the keys are open: the first check opens them, on a loaded CI machine maybe past the probe's timeout.
        var health = await UntilAsync(http, "/health");
        await svc.AddUserAsync("kv.user", "Correct-Horse-9");
        var redirect = new Uri("https://rp.example.org/cb");
        var secret = await svc.AddOidcAppAsync("kv-client", [redirect]);
        using var driver = await OidcDriver.ConnectAsync(new OidcTarget("ours", new Uri(svc.Issuer), "kv-client", secret, redirect, "kv.user", "Correct-Horse-9"), 1);
        await driver.LoginAsync(); // password, session, code, redemption with a signed ID token

        Assert.Equal(HttpStatusCode.OK, health);
        var secrets = await svc.Services.GetRequiredService<TableSet>().GetAsync("Secrets");
        var rows = await secrets.QueryAsync<TableEntity>().ToListAsync();
        Assert.Contains(rows, r => r.PartitionKey == "token-encryption");
        Assert.All(rows, row =>
        {
            Assert.Null(row.GetBinary("Key"));
            Assert.Equal(kek.Id, row.GetString("KekVersion"));
        });
        Assert.True(vault.SignCount > 0);
        Assert.Empty(vault.Violations);
    }

    [Fact]
    public async Task AKeyEncryptionKeyTheVaultWillNotUse_KeepsTheServiceNotReady_UntilItWillWithoutARestart()
    {
        using var vault = new FakeKeyVault();
        vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-3));
        var kek = vault.AddKekVersion(DateTimeOffset.UtcNow.AddDays(-3));
        vault.Disable(kek);
        await using var svc = await StartOnAsync(vault);
        using var http = new HttpClient { BaseAddress = svc.BaseUri };
        await svc.AddUserAsync("kv.user", "Correct-Horse-9");
        var redirect = new Uri("https://rp.example.org/cb");
        var secret = await svc.AddOidcAppAsync("kv-client", [redirect]);

        using var notReady = await http.GetAsync("/health");
        using var discoveryWhileDown = await http.GetAsync("/.well-known/openid-configuration");
        vault.Enable(kek);
        // Ready again without a restart: a failed build of the provider's options is retried after a moment.
        var ready = await UntilAsync(http, "/health");
        var discovery = await UntilAsync(http, "/.well-known/openid-configuration");
        using var driver = await OidcDriver.ConnectAsync(new OidcTarget("ours", new Uri(svc.Issuer), "kv-client", secret, redirect, "kv.user", "Correct-Horse-9"), 1);
        await driver.LoginAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        // "unavailable" (the vault refused), or "timeout" on a machine too loaded to hear back within the probe's limit.
        Assert.Matches("\"keys\":\"(unavailable|timeout)\"", await notReady.Content.ReadAsStringAsync());
        Assert.NotEqual(HttpStatusCode.OK, discoveryWhileDown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal(HttpStatusCode.OK, discovery);
    }

    /// <summary>GETs the path until it answers 200, for at most 20 s (a loaded CI machine); the last status.</summary>
    private static async Task<HttpStatusCode> UntilAsync(HttpClient http, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await http.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
                return response.StatusCode;
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task InCustomHandlerMode_TimersRunWhileTheProvidersKeysCannotBeRead()
    {
        using var vault = new FakeKeyVault();
        vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-3));
        vault.Disable(vault.AddKekVersion(DateTimeOffset.UtcNow.AddDays(-3)));
        await using var host = await Imprivata.Functions.Tests.Hosting.ServiceAppHost.StartAsync(customHandler: true, builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Imprivata:KeyProvider"] = "keyvault",
                ["Imprivata:KeyVaultUrl"] = vault.VaultUri.ToString(),
                ["Imprivata:KeyVaultKeyName"] = FakeKeyVault.KeyName,
                ["Imprivata:KeyVaultWrapKeyName"] = FakeKeyVault.KekName,
            });
            builder.Services.AddSingleton<TokenCredential>(vault.Credential);
            builder.Services.AddSingleton(FakeKeyVault.Options());
        });
        var tick = Imprivata.Functions.Hosting.HostPayload.ForTimer(Imprivata.Functions.Hosting.PurgeExpiredFunction.Name, "timer", DateTimeOffset.UnixEpoch, false, Guid.NewGuid());

        using var discovery = await host.Client.GetAsync("/.well-known/openid-configuration");
        using var purge = await host.Client.PostAsync("/" + Imprivata.Functions.Hosting.PurgeExpiredFunction.Name, new ByteArrayContent(tick));

        Assert.NotEqual(HttpStatusCode.OK, discovery.StatusCode); // the provider cannot build its options
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
    }
}
