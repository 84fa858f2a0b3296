using Azure.Security.KeyVault.Keys;
using Imprivata.Storage.KeyVault;

namespace Imprivata.Storage.Tests.Keys;

public sealed class KeyVaultRotationAdviceTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    private static KeyRotationPolicy Policy(string? expiresIn, params KeyRotationLifetimeAction[] actions)
    {
        var policy = new KeyRotationPolicy { ExpiresIn = expiresIn };
        foreach (var action in actions)
            policy.LifetimeActions.Add(action);
        return policy;
    }

    [Fact]
    public void For_RotatingBeforeExpiry_ComputesTheRotationFromTheExpiry()
    {
        // Expires after a year, rotates 30 days before: a version signs for 335 days, far beyond 90.
        var late = Policy("P1Y", new KeyRotationLifetimeAction(KeyRotationPolicyAction.Rotate) { TimeBeforeExpiry = "P30D" });
        var inTime = Policy("P120D", new KeyRotationLifetimeAction(KeyRotationPolicyAction.Rotate) { TimeBeforeExpiry = "P30D" });

        Assert.Contains("rotates P30D before expiry, later than the service's 90-day lifetime: make it P90D or less", KeyVaultRotationAdvice.For(late, Lifetime));
        Assert.Contains("yet the vault made no newer version", KeyVaultRotationAdvice.For(inTime, Lifetime));
    }

    [Fact]
    public void For_OnlyANotifyAction_AsksForARotateAction()
    {
        var notifyOnly = Policy(null, new KeyRotationLifetimeAction(KeyRotationPolicyAction.Notify) { TimeBeforeExpiry = "P30D" });

        Assert.Contains("no rotate action", KeyVaultRotationAdvice.For(notifyOnly, Lifetime));
    }

    [Fact]
    public void For_DurationItCannotRead_FallsBackToRotatingByHand()
    {
        var odd = Policy(null, new KeyRotationLifetimeAction(KeyRotationPolicyAction.Rotate) { TimeAfterCreate = "ninety days" });

        Assert.Contains("rotate the key by hand", KeyVaultRotationAdvice.For(odd, Lifetime));
    }
}
