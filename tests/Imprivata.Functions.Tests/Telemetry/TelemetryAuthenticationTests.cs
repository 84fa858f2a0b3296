using Azure.Identity;
using Imprivata.Functions.Telemetry;

namespace Imprivata.Functions.Tests.Telemetry;

public sealed class TelemetryAuthenticationTests
{
    [Theory]
    [InlineData("ClientId=abc;Authorization=AAD", true, "abc")]
    [InlineData(" authorization = aad ", true, null)]
    [InlineData("Authorization=AAD;ClientId=", true, null)]
    [InlineData("ClientId=abc", false, "abc")]
    [InlineData("", false, null)]
    [InlineData(null, false, null)]
    public void Parse_ReadsTheHostsSyntax(string? value, bool entra, string? clientId) =>
        Assert.Equal(new TelemetryAuthentication(entra, clientId), TelemetryAuthentication.Parse(value));

    [Fact]
    public void Entra_UsesTheManagedIdentity_OtherwiseNoCredential()
    {
        Assert.IsType<ManagedIdentityCredential>(new TelemetryAuthentication(true, "abc").CreateCredential());
        Assert.IsType<ManagedIdentityCredential>(new TelemetryAuthentication(true, null).CreateCredential());
        Assert.Null(new TelemetryAuthentication(false, "abc").CreateCredential());
    }
}
