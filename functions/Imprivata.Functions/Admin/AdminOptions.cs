namespace Imprivata.Functions.Admin;

/// <summary>Admin console settings, section "Imprivata:Admin".</summary>
public sealed class AdminOptions
{
    public const string Section = "Imprivata:Admin";

    /// <summary>An admin session ends after this long without a request (OWASP session management: short idle timeout for privileged users).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>An admin session ends this long after sign-in, however active.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(8);
}
