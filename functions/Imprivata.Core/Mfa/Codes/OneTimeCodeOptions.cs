namespace Imprivata.Core.Mfa.Codes;

/// <summary>Settings of SMS and e-mail codes, section "Imprivata:Codes".: 6-10 digits, at most 10 minutes, single use (NIST SP 800-63B 5.1.3).</summary>
public sealed class OneTimeCodeOptions
{
    public const string Section = "Imprivata:Codes";
    public const int MinDigits = 6;
    public const int MaxDigits = 10;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Digits per code, 6 to 10.</summary>
    public int Digits { get; set; } = 6;
    /// <summary>How long a code is valid, at most 10 minutes.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Wrong entries after which the code is void.</summary>
    public int MaxAttempts { get; set; } = 5;
    /// <summary>Codes sent per user, and separately per destination, within <see cref="SendWindow"/>.</summary>
    public int SendsPerWindow { get; set; } = 5;
    public TimeSpan SendWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Throws for settings that would weaken the codes below the product's floor (a misconfiguration, not input).</summary>
    public void Validate()
    {
        if (Digits is < MinDigits or > MaxDigits)
            throw new InvalidOperationException($"Imprivata:Codes:Digits must be between {MinDigits} and {MaxDigits}.");
        if (Lifetime <= TimeSpan.Zero || Lifetime > MaxLifetime)
            throw new InvalidOperationException("Imprivata:Codes:Lifetime must be positive and at most 10 minutes.");
        if (MaxAttempts < 1 || MaxAttempts > 10)
            throw new InvalidOperationException("Imprivata:Codes:MaxAttempts must be between 1 and 10.");
        if (SendsPerWindow < 1 || SendWindow <= TimeSpan.Zero)
            throw new InvalidOperationException("Imprivata:Codes:SendsPerWindow and SendWindow must be positive.");
    }
}
