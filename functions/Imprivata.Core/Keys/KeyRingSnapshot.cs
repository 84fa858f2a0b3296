namespace Imprivata.Core.Keys;

/// <summary>
/// The keys one instance currently knows, with the policy applied at the moment of each call: the active key changes at its
/// activation time even between refreshes, because successors are known <see cref="KeyRingOptions.PrePublication"/> ahead.
/// </summary>
public sealed class KeyRingSnapshot
{
    private readonly KeyRotationPolicy _policy;
    private readonly IReadOnlyList<SigningKey> _keys;
    private readonly IReadOnlyList<KeySchedule> _schedules;

    public KeyRingSnapshot(KeyRotationPolicy policy, IEnumerable<SigningKey> keys)
    {
        _policy = policy;
        var byId = keys.ToDictionary(k => k.KeyId, StringComparer.Ordinal);
        _schedules = KeyRotationPolicy.InActivationOrder(byId.Values.Select(k => k.Schedule));
        _keys = _schedules.Select(s => byId[s.KeyId] with { RetiredAt = KeyRotationPolicy.RetiresAt(s, _schedules) }).ToList();
    }

    public IReadOnlyList<KeySchedule> Schedules => _schedules;

    public bool IsEmpty => _keys.Count == 0;

    public SigningKey? FindActive(DateTimeOffset now) =>
        _policy.FindActive(_schedules, now) is { } active ? _keys.First(k => k.KeyId == active.KeyId) : null;

    public IReadOnlyList<SigningKey> Published(DateTimeOffset now) =>
        _keys.Where(k => _policy.IsPublished(k.Schedule, _schedules, now)).ToList();
}
