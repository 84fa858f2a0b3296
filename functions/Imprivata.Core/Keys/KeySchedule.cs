namespace Imprivata.Core.Keys;

/// <summary>When a key of the ring was made and when it starts signing: all the rotation policy needs to know.</summary>
public sealed record KeySchedule(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt);

/// <summary>What maintenance should do now: create a key activating at <see cref="NewKeyActivatesAt"/>, drop <see cref="Drop"/>.</summary>
public sealed record KeyRingPlan(DateTimeOffset? NewKeyActivatesAt, IReadOnlyList<KeySchedule> Drop)
{
    public bool IsEmpty => NewKeyActivatesAt is null && Drop.Count == 0;
}
