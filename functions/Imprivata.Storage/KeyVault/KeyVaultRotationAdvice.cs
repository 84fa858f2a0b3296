using System.Xml;
using Azure.Security.KeyVault.Keys;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// What to tell an operator whose signing key has outlived the service's active lifetime, from the key's rotation policy in
/// Key Vault: the vault, not this service, creates new versions.
/// </summary>
public static class KeyVaultRotationAdvice
{
    public static string For(KeyRotationPolicy policy, TimeSpan activeLifetime)
    {
        var days = $"{activeLifetime.TotalDays:0}";
        var rotate = policy.LifetimeActions.FirstOrDefault(a => a.Action == KeyRotationPolicyAction.Rotate);
        if (rotate is null)
            return $"its rotation policy has no rotate action: give it one (timeAfterCreate P{days}D) or rotate the key by hand.";
        var after = RotatesAfter(policy, rotate);
        if (after is { } period && period > activeLifetime)
            return $"its rotation policy rotates {Describe(rotate)}, later than the service's {days}-day lifetime: make it P{days}D or less.";
        return $"its rotation policy rotates {Describe(rotate)}, yet the vault made no newer version: rotate the key by hand and check the vault's activity log.";
    }

    /// <summary>When the key's policy cannot be read (the Key Vault Crypto User role does not include keyrotationpolicies/read).</summary>
    public static string Unreadable(int status) =>
        $"check the key's rotation policy (this identity could not read it: Key Vault answered {status}) or rotate the key by hand.";

    /// <summary>The time from a version's creation to its rotation, when the policy says it in a way this can compute.</summary>
    private static TimeSpan? RotatesAfter(KeyRotationPolicy policy, KeyRotationLifetimeAction rotate)
    {
        if (Duration(rotate.TimeAfterCreate) is { } afterCreate)
            return afterCreate;
        return Duration(policy.ExpiresIn) is { } lifetime && Duration(rotate.TimeBeforeExpiry) is { } beforeExpiry ? lifetime - beforeExpiry : null;
    }

    private static string Describe(KeyRotationLifetimeAction rotate) =>
        rotate.TimeAfterCreate is { Length: > 0 } afterCreate ? $"{afterCreate} after creation" : $"{rotate.TimeBeforeExpiry} before expiry";

    /// <summary>An ISO 8601 duration ("P90D"; a year counts 365 days, a month 30).</summary>
    private static TimeSpan? Duration(string? iso)
    {
        if (string.IsNullOrEmpty(iso))
            return null;
        try
        {
            return XmlConvert.ToTimeSpan(iso);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
