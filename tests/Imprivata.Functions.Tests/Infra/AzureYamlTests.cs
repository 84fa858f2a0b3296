using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Imprivata.Functions.Tests.Infra;

/// <summary>azure.yaml (Azure Developer CLI) parses, names paths that exist, and matches the template and package.sh.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AzureYamlTests
{
    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepoPaths.Root, "azure.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static YamlMappingNode Service()
    {
        var services = (YamlMappingNode)Load()["services"];
        return (YamlMappingNode)Assert.Single(services.Children).Value;
    }

    [Fact]
    public void Infra_PathAndModule_NameTheBicepTemplateAndItsParameters()
    {
        var infra = (YamlMappingNode)Load()["infra"];

        Assert.Equal("bicep", Text(infra, "provider"));
        var folder = Path.Combine(RepoPaths.Root, Text(infra, "path"));
        Assert.Equal(Path.GetDirectoryName(BicepCli.MainBicep), Path.GetFullPath(folder));
        Assert.True(File.Exists(Path.Combine(folder, Text(infra, "module") + ".bicep")));
        Assert.True(File.Exists(Path.Combine(folder, Text(infra, "module") + ".parameters.json")));
    }

    [Fact]
    public void Service_CustomLanguageFunctionHost_DeploysThePackageTheHookBuilds()
    {
        var service = Service();

        Assert.Equal("custom", Text(service, "language"));
        Assert.Equal("function", Text(service, "host"));
        Assert.True(Directory.Exists(Path.Combine(RepoPaths.Root, Text(service, "project"))));
        // A .zip dist is deployed byte for byte (the executable bit survives); it is package.sh's default output.
        var dist = Text(service, "dist");
        Assert.EndsWith(".zip", dist);
        Assert.Contains("$root/" + dist, File.ReadAllText(Path.Combine(RepoPaths.Root, "package.sh")));
        var hook = (YamlMappingNode)((YamlMappingNode)service["hooks"])["prepackage"];
        var script = Path.Combine(RepoPaths.Root, Text(hook, "run"));
        Assert.True(File.Exists(script), script);
        Assert.NotEqual(UnixFileMode.None, File.GetUnixFileMode(script) & UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task Service_Name_IsTheSitesAzdTag()
    {
        var services = (YamlMappingNode)Load()["services"];
        var name = ((YamlScalarNode)Assert.Single(services.Children).Key).Value;
        using var template = await BicepCli.MainTemplateAsync();

        var site = Assert.Single(BicepCli.OfType(template, "Microsoft.Web/sites"));
        var tag = site.GetProperty("tags").GetProperty("azd-service-name").GetString()!;

        Assert.Equal($"[variables('azdServiceName')]", tag);
        Assert.Equal(name, template.RootElement.GetProperty("variables").GetProperty("azdServiceName").GetString());
    }

    [Fact]
    public async Task Parameters_AreTheTemplatesAndCoverItsRequiredOnes()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.parameters.json")));
        using var template = await BicepCli.MainTemplateAsync();
        var given = file.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();
        var parameters = template.RootElement.GetProperty("parameters").EnumerateObject().ToList();

        Assert.Empty(given.Except(parameters.Select(p => p.Name)));
        Assert.Empty(parameters.Where(p => !p.Value.TryGetProperty("defaultValue", out _)).Select(p => p.Name).Except(given));
    }
}
