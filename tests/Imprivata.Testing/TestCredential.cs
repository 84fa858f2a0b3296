using System.Collections.Concurrent;
using Azure.Core;

namespace Imprivata.Testing;

/// <summary>A token credential for the fake vault; records the scopes and tenants asked for.</summary>
public sealed class TestCredential : TokenCredential
{
    public string Token { get; } = "test-token-" + Guid.NewGuid().ToString("N");
    public ConcurrentQueue<string> Scopes { get; } = new();
    public ConcurrentQueue<string?> Tenants { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
            Scopes.Enqueue(scope);
        Tenants.Enqueue(requestContext.TenantId);
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
