namespace Imprivata.Core.Mfa.Push;

/// <summary>Push approval limits, section "Imprivata:Push". The defaults are the product's documented behaviour.</summary>
public sealed class PushOptions
{
    public const string Section = "Imprivata:Push";

    /// <summary>How long the user has to answer (the user is told "The code expires in 30 seconds").</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many pushes per user within <see cref="RateLimitWindow"/> (MFA-fatigue defence).</summary>
    public int RateLimitCount { get; set; } = 3;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Device API requests must carry a timestamp this close to the server's clock.</summary>
    public TimeSpan DeviceClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Lifetime of a one-time enrollment token shown as a QR code.</summary>
    public TimeSpan EnrollmentTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
