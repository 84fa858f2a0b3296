using System.Collections.Concurrent;
using Azure.Core;

namespace Imprivata.RadiusEdge.Tests.Bridge.ServiceBus;

/// <summary>
/// A test Entra credential: issues distinct opaque tokens with a chosen lifetime on the test's clock, and tells the peer
/// which tokens it issued (for the Service Bus scope) and are still valid.
/// </summary>
public sealed class IssuingCredential(TimeProvider time, TimeSpan lifetime) : TokenCredential
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset ExpiresOn, string[] Scopes)> _issued = new();
    private int _count;

    public ConcurrentQueue<string> Issued { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var token = $"test-jwt-{Interlocked.Increment(ref _count)}-{Guid.NewGuid():N}";
        var expiresOn = time.GetUtcNow() + lifetime;
        _issued[token] = (expiresOn, requestContext.Scopes);
        Issued.Enqueue(token);
        return new AccessToken(token, expiresOn);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    public bool Validates(string token) =>
        _issued.TryGetValue(token, out var issued) && issued.Scopes.SequenceEqual(["https://servicebus.azure.net/.default"]) &&
        issued.ExpiresOn > time.GetUtcNow();
}
