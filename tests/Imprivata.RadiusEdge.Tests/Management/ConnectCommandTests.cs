using System.Text.Json;
using Imprivata.RadiusEdge.Management;
using Imprivata.RadiusEdge.Tests.Infrastructure;

namespace Imprivata.RadiusEdge.Tests.Management;

/// <summary><c>radius-edge connect</c> against the console double: the credential is written once, and only for a good token.</summary>
public sealed class ConnectCommandTests : IDisposable
{
    private readonly ConsoleDouble _console = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-connect-").FullName;
    private string CredentialFile => Path.Combine(_folder, "edge-credential.json");

    private async Task<(int Exit, string Output, string Error)> ConnectAsync(string token, params string[] more)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await ConnectCommand.RunAsync([token, .. more, "--RadiusEdge:EdgeId=site-a", $"--RadiusEdge:CredentialFile={CredentialFile}"],
            output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Connect_GoodToken_WritesPrivateCredentialFileAndSendsEdgeIdNameVersion()
    {
        var (exit, output, error) = await ConnectAsync(_console.IssueToken(), "--name", "Site A edge");

        Assert.Equal(0, exit);
        Assert.Contains("Connected", output);
        Assert.DoesNotContain(_console.Credential!, output + error);
        var credential = EdgeCredential.Read(CredentialFile)!;
        Assert.Equal(_console.Credential, credential.Credential);
        Assert.Equal("site-a", credential.EdgeId);
        Assert.Equal(ConsoleDouble.IntegrationId, credential.IntegrationId);
        Assert.Equal(_console.BaseUri, credential.BaseUri);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CredentialFile));
        var sent = Assert.Single(_console.ConnectRequests);
        Assert.Equal("site-a", sent.GetProperty("edgeId").GetString());
        Assert.Equal("Site A edge", sent.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(sent.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Connect_UsedToken_ExitsOneWithInvalidTokenAndKeepsTheFirstCredential()
    {
        var token = _console.IssueToken();
        Assert.Equal(0, (await ConnectAsync(token)).Exit);
        var first = File.ReadAllText(CredentialFile);

        var (exit, _, error) = await ConnectAsync(token);

        Assert.Equal(1, exit);
        Assert.Contains("wrong, already used or expired", error);
        Assert.Equal(first, File.ReadAllText(CredentialFile));
    }

    [Fact]
    public async Task Connect_UnknownToken_ExitsOneAndWritesNothing()
    {
        var (exit, _, error) = await ConnectAsync(ConsoleDouble.Token(_console.BaseUri.ToString(), "never-issued-secret"));

        Assert.Equal(1, exit);
        Assert.Contains("refused the token", error);
        Assert.False(File.Exists(CredentialFile));
    }

    [Theory]
    [InlineData("not-a-token", "must start with")]
    [InlineData("imp-edge.%%%", "not base64url JSON")]
    public async Task Connect_MalformedToken_ExitsTwoWithoutCallingTheBackend(string token, string message)
    {
        var (exit, _, error) = await ConnectAsync(token);

        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.Empty(_console.ConnectRequests);
    }

    [Fact]
    public async Task Connect_PlainHttpToAHostThatIsNotLoopback_IsRefusedBeforeAnyCall()
    {
        var (exit, _, error) = await ConnectAsync(ConsoleDouble.Token("http://idp.contoso.org/", "secret"));

        Assert.Equal(2, exit);
        Assert.Contains("must be https", error);
    }

    [Theory]
    [InlineData("https://idp.contoso.org", "https://idp.contoso.org/radius/v1/edges/connect")]
    [InlineData("https://idp.contoso.org/tenant-a", "https://idp.contoso.org/tenant-a/radius/v1/edges/connect")]
    [InlineData("http://[::1]:7071/", "http://[::1]:7071/radius/v1/edges/connect")]
    public void Token_Url_CallsResolveBelowIt(string url, string connect)
    {
        Assert.True(EdgeToken.TryParse(ConsoleDouble.Token(url, "secret"), out var token, out var error), error);

        Assert.Equal(connect, new Uri(token!.Url, "radius/v1/edges/connect").ToString());
    }

    [Fact]
    public async Task Connect_TokenOfAnotherVersion_IsRefused()
    {
        var (exit, _, error) = await ConnectAsync(ConsoleDouble.Token(_console.BaseUri.ToString(), "secret", version: 2));

        Assert.Equal(2, exit);
        Assert.Contains("version", error);
    }

    [Fact]
    public async Task Connect_BackendUnreachable_ExitsOneNamingTheUrl()
    {
        var closed = $"http://127.0.0.1:{Ports.FreeTcp()}/";

        var (exit, _, error) = await ConnectAsync(ConsoleDouble.Token(closed, "secret"));

        Assert.Equal(1, exit);
        Assert.Contains("cannot reach " + closed, error);
        Assert.False(File.Exists(CredentialFile));
    }

    public void Dispose()
    {
        _console.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
