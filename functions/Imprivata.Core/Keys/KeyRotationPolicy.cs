namespace Imprivata.Core.Keys;

/// <summary>
/// The rotation rules, pure (time is a parameter): keys are published <see cref="KeyRingOptions.PrePublication"/> before they
/// sign, the newest activated key signs, and a replaced key stays published <see cref="KeyRingOptions.PostRetirement"/>.
/// Relying parties cache JWKS (OpenID Connect Core 10.1.1: "the signer can begin using a new key at its discretion"
/// and must keep publishing old ones while tokens signed by them are alive).
/// </summary>
public sealed class KeyRotationPolicy
{
    private readonly KeyRingOptions _options;

    public KeyRotationPolicy(KeyRingOptions options)
    {
        options.Validate();
        _options = options;
    }

    public KeyRingOptions Options => _options;

    /// <summary>Activation order; ties broken by creation time then key id so every instance agrees.</summary>
    public static IReadOnlyList<KeySchedule> InActivationOrder(IEnumerable<KeySchedule> keys) =>
        keys.OrderBy(k => k.ActivatesAt).ThenBy(k => k.CreatedAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).ToList();

    /// <summary>The newest key whose activation time has passed; null only for an empty ring.</summary>
    public KeySchedule? FindActive(IEnumerable<KeySchedule> keys, DateTimeOffset now)
    {
        var ordered = InActivationOrder(keys);
        // When no key has activated yet the ring was just created: nobody has cached anything, so the first key signs at once.
        return ordered.LastOrDefault(k => k.ActivatesAt <= now) ?? ordered.FirstOrDefault();
    }

    /// <summary>When the key's successor takes over (possibly in the future); null if it has none.</summary>
    public static DateTimeOffset? RetiresAt(KeySchedule key, IEnumerable<KeySchedule> keys)
    {
        var ordered = InActivationOrder(keys);
        var index = ordered.ToList().FindIndex(k => k.KeyId == key.KeyId);
        return index >= 0 && index + 1 < ordered.Count ? ordered[index + 1].ActivatesAt : null;
    }

    /// <summary>Upcoming and active keys, and replaced keys still inside their grace period.</summary>
    public bool IsPublished(KeySchedule key, IEnumerable<KeySchedule> keys, DateTimeOffset now) =>
        RetiresAt(key, keys) is not { } retired || now < retired + _options.PostRetirement;

    /// <summary>The end of the publication a key can expect, used as its certificate's NotAfter.</summary>
    public DateTimeOffset ExpectedPublicationEnd(KeySchedule key) =>
        key.ActivatesAt + _options.ActiveLifetime + _options.PostRetirement;

    /// <summary>Whether the signing key has outlived <see cref="KeyRingOptions.ActiveLifetime"/> with no successor in sight.</summary>
    public bool IsOverdue(IReadOnlyCollection<KeySchedule> keys, DateTimeOffset now) =>
        FindActive(keys, now) is { } active && !keys.Any(k => k.ActivatesAt > active.ActivatesAt) &&
        now > active.ActivatesAt + _options.ActiveLifetime;

    /// <summary>What maintenance must do at <paramref name="now"/>; empty when the ring is in order.</summary>
    public KeyRingPlan Plan(IReadOnlyCollection<KeySchedule> keys, DateTimeOffset now)
    {
        if (keys.Count == 0)
            return new KeyRingPlan(now, []);

        var active = FindActive(keys, now)!;
        var hasSuccessor = keys.Any(k => k.ActivatesAt > active.ActivatesAt);
        DateTimeOffset? successorAt = null;
        if (!hasSuccessor && now >= active.ActivatesAt + _options.ActiveLifetime - _options.PrePublication)
        {
            // A late run still publishes the successor a full PrePublication before it signs.
            var due = active.ActivatesAt + _options.ActiveLifetime;
            var earliest = now + _options.PrePublication;
            successorAt = due > earliest ? due : earliest;
        }

        var drop = keys.Where(k => !IsPublished(k, keys, now)).ToList();
        return new KeyRingPlan(successorAt, drop);
    }
}
