using System.Text.Json;

namespace Imprivata.Functions.Tests.Infra;

/// <summary>
/// Compiles and lints infra/main.bicep with the Bicep CLI (<see cref="BicepCli"/>). infra/bicepconfig.json raises every linter
/// rule to error; the tests also refuse any diagnostic on stderr. Then reads the compiled template for what Flex Consumption,
/// the telemetry and the first administrator's setup need.
/// </summary>
public class BicepTests
{
    private static readonly string[] FlexAlwaysReadyGroups = ["http", "durable", "blob"];

    [Fact]
    public async Task Lint_MainBicep_NoDiagnostics()
    {
        var result = await BicepCli.RunAsync("lint", BicepCli.MainBicep);

        Assert.True(result.ExitCode == 0 && result.StdErr.Trim().Length == 0, $"exit {result.ExitCode}: {result.StdErr}{result.StdOut}");
    }

    [Fact]
    public async Task Lint_WarningLevelFinding_FailsAsError()
    {
        // Proves the configuration turns linter findings into failures: an unused parameter next to the real config.
        var dir = Directory.CreateTempSubdirectory("bicep-lint-").FullName;
        try
        {
            File.Copy(Path.Combine(RepoPaths.Root, "infra", "bicepconfig.json"), Path.Combine(dir, "bicepconfig.json"));
            await File.WriteAllTextAsync(Path.Combine(dir, "bad.bicep"), "param unused string\n");

            var result = await BicepCli.RunAsync("lint", Path.Combine(dir, "bad.bicep"));

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("no-unused-params", result.StdErr + result.StdOut);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Build_Site_FlexConsumptionCustomRuntime()
    {
        using var template = await BicepCli.MainTemplateAsync();

        var site = Assert.Single(BicepCli.OfType(template, "Microsoft.Web/sites"));
        var config = site.GetProperty("properties").GetProperty("functionAppConfig");
        Assert.Equal("functionapp,linux", site.GetProperty("kind").GetString());
        Assert.Equal("custom", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("1.0", config.GetProperty("runtime").GetProperty("version").GetString());
        var plan = Assert.Single(BicepCli.OfType(template, "Microsoft.Web/serverfarms"));
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        // The package goes to a blob container the template creates, read with the app's identity.
        var storage = config.GetProperty("deployment").GetProperty("storage");
        Assert.Equal("blobContainer", storage.GetProperty("type").GetString());
        Assert.Contains("deploymentContainerName", storage.GetProperty("value").GetString());
        Assert.Single(BicepCli.OfType(template, "Microsoft.Storage/storageAccounts/blobServices/containers"));
        Assert.Equal("UserAssignedIdentity", storage.GetProperty("authentication").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Build_Template_NoSettingFlexRefuses()
    {
        using var template = await BicepCli.MainTemplateAsync();
        var text = template.RootElement.GetRawText();

        // On Flex the runtime is functionAppConfig.runtime; these settings and properties are refused or ignored.
        foreach (var deprecated in new[] { "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "linuxFxVersion", "alwaysOn" })
            Assert.DoesNotContain(deprecated, text);
    }

    [Fact]
    public async Task Build_Scale_FlexSizesAndAlwaysReadyGroupsThatExist()
    {
        using var template = await BicepCli.MainTemplateAsync();
        var site = Assert.Single(BicepCli.OfType(template, "Microsoft.Web/sites"));
        var scale = site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency");

        Assert.Equal("[parameters('instanceMemoryMB')]", scale.GetProperty("instanceMemoryMB").GetString());
        var memory = template.RootElement.GetProperty("parameters").GetProperty("instanceMemoryMB");
        Assert.Equal([512, 2048, 4096], memory.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetInt32()));
        var functions = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "functions", "Imprivata.Functions", "FunctionApp")).Select(Path.GetFileName).ToHashSet();
        var entries = scale.GetProperty("alwaysReady").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList();
        Assert.Contains("http", entries);
        // Entries are the groups or function:<Name> of a function the package has.
        Assert.All(entries, e => Assert.True(FlexAlwaysReadyGroups.Contains(e) || (e.StartsWith("function:", StringComparison.Ordinal) && functions.Contains(e["function:".Length..])), e));
    }

    [Fact]
    public async Task Build_Keys_OnePurposeEach()
    {
        using var template = await BicepCli.MainTemplateAsync();
        var keys = BicepCli.OfType(template, "Microsoft.KeyVault/vaults/keys").Select(r => r.GetProperty("properties")).ToList();

        Assert.Equal(3, keys.Count);
        // One key, one purpose: the signing key signs, the key-encryption key only wraps, the RADIUS seal key only unwraps.
        Assert.Single(keys, k => k.GetProperty("keySize").GetInt32() == 2048 && Ops(k) == "sign verify");
        Assert.Single(keys, k => k.GetProperty("keySize").GetInt32() == 3072 && Ops(k) == "unwrapKey wrapKey");
        Assert.Single(keys, k => k.GetProperty("keySize").GetInt32() == 3072 && Ops(k) == "unwrapKey");
        Assert.True(AppSettings(template).TryGetProperty("Imprivata__KeyVaultWrapKeyName", out _));
        Assert.True(AppSettings(template).TryGetProperty("Imprivata__Radius__KeyVaultSealKeyName", out _));
    }

    [Fact]
    public async Task Build_Telemetry_WorkspaceBasedAndEntraOnly()
    {
        using var template = await BicepCli.MainTemplateAsync();

        Assert.Single(BicepCli.OfType(template, "Microsoft.OperationalInsights/workspaces"));
        var component = Assert.Single(BicepCli.OfType(template, "Microsoft.Insights/components")).GetProperty("properties");
        Assert.Contains("Microsoft.OperationalInsights/workspaces", component.GetProperty("WorkspaceResourceId").GetString());
        Assert.True(component.GetProperty("DisableLocalAuth").GetBoolean());
        var settings = AppSettings(template);
        Assert.Contains("Microsoft.Insights/components", settings.GetProperty("APPLICATIONINSIGHTS_CONNECTION_STRING").GetString());
        // The host authenticates its telemetry with the user-assigned identity.
        var authentication = settings.GetProperty("APPLICATIONINSIGHTS_AUTHENTICATION_STRING").GetString()!;
        Assert.Contains("ClientId={0};Authorization=AAD", authentication);
        Assert.Contains("userAssignedIdentities", authentication);
        Assert.Single(RoleAssignments(template), r => Role(r) == "monitoringMetricsPublisher" && Scope(r).Contains("Microsoft.Insights/components") && IsAppIdentity(r));
        // Query strings carry authorization codes: OpenTelemetry's redaction stays on.
        Assert.Equal("false", settings.GetProperty("OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION").GetString());
    }

    [Fact]
    public async Task Build_SetupSecret_FreshRandomValueInKeyVault_ReadableOnlyByTheAppAndTheDeployer()
    {
        using var template = await BicepCli.MainTemplateAsync();

        var secret = Assert.Single(BicepCli.OfType(template, "Microsoft.KeyVault/vaults/secrets"));
        Assert.Contains("variables('setupSecretName')", secret.GetProperty("name").GetString());
        Assert.Equal("setup-secret", template.RootElement.GetProperty("variables").GetProperty("setupSecretName").GetString());
        Assert.Equal("[parameters('setupSecretValue')]", secret.GetProperty("properties").GetProperty("value").GetString());
        Assert.True(secret.GetProperty("properties").GetProperty("attributes").TryGetProperty("exp", out _));
        var value = template.RootElement.GetProperty("parameters").GetProperty("setupSecretValue");
        Assert.Equal("securestring", value.GetProperty("type").GetString());
        Assert.Equal("[format('{0}{1}', newGuid(), newGuid())]", value.GetProperty("defaultValue").GetString());
        Assert.Contains("secretUri", AppSettings(template).GetProperty("Imprivata__Setup__SecretUri").GetString());
        var readers = RoleAssignments(template).Where(r => Role(r) == "keyVaultSecretsUser").ToList();
        Assert.Equal(2, readers.Count);
        Assert.All(readers, r => Assert.StartsWith("[resourceId('Microsoft.KeyVault/vaults/secrets'", Scope(r)));
        Assert.Single(readers, IsAppIdentity);
        Assert.Single(readers, r => r.GetProperty("properties").GetProperty("principalId").GetString() == "[parameters('deployerPrincipalId')]"
                                    && r.GetProperty("condition").GetString() == "[not(empty(parameters('deployerPrincipalId')))]");
    }

    [Fact]
    public async Task Build_RoleAssignments_BuiltInRolesForTheAppIdentity()
    {
        using var template = await BicepCli.MainTemplateAsync();
        var assignments = RoleAssignments(template);
        var ids = template.RootElement.GetProperty("variables").GetProperty("roles");

        // Built-in role ids (Azure RBAC built-in roles reference).
        Assert.Equal("3913510d-42f4-4e42-8a64-420c390055eb", ids.GetProperty("monitoringMetricsPublisher").GetString());
        Assert.Equal("4633458b-17de-408a-b874-0445c86b69e6", ids.GetProperty("keyVaultSecretsUser").GetString());
        Assert.Equal("12338af0-0e69-4776-bea7-57ae8d297424", ids.GetProperty("keyVaultCryptoUser").GetString());
        Assert.Equal("4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", ids.GetProperty("serviceBusDataReceiver").GetString());
        Assert.Equal("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", ids.GetProperty("serviceBusDataSender").GetString());
        Assert.Equal(
            ["keyVaultCryptoUser", "keyVaultSecretsUser", "keyVaultSecretsUser", "monitoringMetricsPublisher", "serviceBusDataReceiver", "serviceBusDataSender",
                "storageBlobDataOwner", "storageQueueDataContributor", "storageTableDataContributor"],
            assignments.Select(Role).Order(StringComparer.Ordinal));
        Assert.Equal(8, assignments.Count(IsAppIdentity));
    }

    [Fact]
    public async Task Build_RadiusServiceBus_EntitiesRolesEdgeRuleAndOneActiveTrigger()
    {
        using var template = await BicepCli.MainTemplateAsync();
        var variables = template.RootElement.GetProperty("variables");

        var ns = Assert.Single(BicepCli.OfType(template, "Microsoft.ServiceBus/namespaces"));
        Assert.Equal("Standard", ns.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("1.2", ns.GetProperty("properties").GetProperty("minimumTlsVersion").GetString());
        var queues = BicepCli.OfType(template, "Microsoft.ServiceBus/namespaces/queues");
        var requests = Assert.Single(queues, q => q.GetProperty("name").GetString()!.Contains("radiusRequestQueueName"));
        var replies = Assert.Single(queues, q => q.GetProperty("name").GetString()!.Contains("radiusReplyQueueName"));
        Assert.False(requests.GetProperty("properties").GetProperty("requiresSession").GetBoolean());
        Assert.True(replies.GetProperty("properties").GetProperty("requiresSession").GetBoolean());
        Assert.Equal("radius-replies", variables.GetProperty("radiusReplyQueueName").GetString());

        // The app's identity: receive on the request queue, send on the reply queue, nothing namespace-wide.
        var busRoles = RoleAssignments(template).Where(r => Role(r).StartsWith("serviceBus", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, busRoles.Count);
        Assert.All(busRoles, r => Assert.True(IsAppIdentity(r)));
        Assert.Contains("radiusRequestQueueName", Scope(Assert.Single(busRoles, r => Role(r) == "serviceBusDataReceiver")));
        Assert.Contains("radiusReplyQueueName", Scope(Assert.Single(busRoles, r => Role(r) == "serviceBusDataSender")));

        // The on-premises edges' SAS rule: send and listen, no manage, and its keys are no output.
        var rule = Assert.Single(BicepCli.OfType(template, "Microsoft.ServiceBus/namespaces/AuthorizationRules"));
        Assert.Equal(["Listen", "Send"], rule.GetProperty("properties").GetProperty("rights").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal));
        var outputs = template.RootElement.GetProperty("outputs").GetRawText();
        Assert.DoesNotContain("listKeys", outputs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("PrimaryKey", outputs, StringComparison.OrdinalIgnoreCase);

        // The trigger's identity-based connection, the app's bus, and exactly one RADIUS trigger active.
        var settings = AppSettings(template);
        using var function = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "functions", "Imprivata.Functions", "FunctionApp",
            "RadiusRequestServiceBus", "function.json")));
        var trigger = function.RootElement.GetProperty("bindings")[0];
        var connection = trigger.GetProperty("connection").GetString();
        Assert.Equal("managedidentity", settings.GetProperty(connection + "__credential").GetString());
        Assert.True(settings.TryGetProperty(connection + "__fullyQualifiedNamespace", out _));
        Assert.True(settings.TryGetProperty(connection + "__clientId", out _));
        Assert.Equal("%RadiusRequestQueue%", trigger.GetProperty("queueName").GetString());
        Assert.True(settings.TryGetProperty("RadiusRequestQueue", out _));
        Assert.Equal("ServiceBus", settings.GetProperty("Imprivata__Radius__Bus").GetString());
        Assert.Contains("radiusReplyQueueName", settings.GetProperty("Imprivata__Radius__ServiceBus__ReplyEntity").GetString());
        Assert.Equal("true", settings.GetProperty("AzureWebJobs.RadiusRequest.Disabled").GetString());
        Assert.Equal("false", settings.GetProperty("AzureWebJobs.RadiusRequestServiceBus.Disabled").GetString());
    }

    internal static JsonElement AppSettings(JsonDocument template) =>
        BicepCli.OfType(template, "Microsoft.Web/sites/config").Single(c => c.GetProperty("name").GetString()!.Contains("'appsettings'")).GetProperty("properties");

    private static IReadOnlyList<JsonElement> RoleAssignments(JsonDocument template) => BicepCli.OfType(template, "Microsoft.Authorization/roleAssignments");

    // roleDefinitionId is "[subscriptionResourceId('…roleDefinitions', variables('roles').<name>)]".
    private static string Role(JsonElement assignment)
    {
        var id = assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!;
        var start = id.IndexOf("variables('roles').", StringComparison.Ordinal) + "variables('roles').".Length;
        return id[start..id.IndexOf(')', start)];
    }

    private static string Scope(JsonElement assignment) => assignment.GetProperty("scope").GetString()!;

    private static bool IsAppIdentity(JsonElement assignment) =>
        assignment.GetProperty("properties").GetProperty("principalId").GetString()!.Contains("Microsoft.ManagedIdentity/userAssignedIdentities");

    private static string Ops(JsonElement key) => string.Join(' ', key.GetProperty("keyOps").EnumerateArray().Select(o => o.GetString()).Order(StringComparer.Ordinal));
}
