namespace Imprivata.Core.Keys;

/// <summary>Rotation settings of the signing key ring, section "Imprivata:Keys".</summary>
public sealed class KeyRingOptions
{
    public const string Section = "Imprivata:Keys";

    /// <summary>How long a key signs before its successor takes over.</summary>
    public TimeSpan ActiveLifetime { get; set; } = TimeSpan.FromDays(90);
    /// <summary>A new key is published at least this long before it signs (relying parties cache JWKS).</summary>
    public TimeSpan PrePublication { get; set; } = TimeSpan.FromHours(48);
    /// <summary>A replaced key stays published this long: longer than any token it signed lives.</summary>
    public TimeSpan PostRetirement { get; set; } = TimeSpan.FromDays(15);
    /// <summary>How long an instance trusts its in-memory copy of the ring. Must stay well below <see cref="PrePublication"/>.</summary>
    public TimeSpan CacheRefresh { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Size of software keys (Key Vault keys are sized by the vault).</summary>
    public int KeySizeBits { get; set; } = 2048;
    /// <summary>Subject of the self-signed certificates published in x5c and SAML metadata.</summary>
    public string CertificateSubject { get; set; } = "CN=Imprivata Serverless token signing";

    /// <summary>
    /// <see cref="Validate()"/>, and a replaced key must stay published while a token it signed is valid (checked at start,
    /// where the token lifetimes are known).
    /// </summary>
    /// <param name="longestSignedTokenLifetime">The longest life of anything these keys sign (the access token's).</param>
    public void Validate(TimeSpan longestSignedTokenLifetime)
    {
        Validate();
        // An instance may still sign with the old key until its cached ring refreshes; that token then lives its full life.
        if (PostRetirement < longestSignedTokenLifetime + CacheRefresh)
            throw new InvalidOperationException($"Imprivata:Keys: PostRetirement must be at least {longestSignedTokenLifetime + CacheRefresh} " +
                "(the longest signed token's life plus CacheRefresh): a replaced key must stay published while tokens it signed are valid.");
    }

    /// <summary>Rejects settings under which a relying party could meet a key it has not been able to fetch yet.</summary>
    public void Validate()
    {
        if (PrePublication <= TimeSpan.Zero || ActiveLifetime <= PrePublication)
            throw new InvalidOperationException("Imprivata:Keys: ActiveLifetime must be longer than PrePublication, which must be positive.");
        if (PostRetirement <= TimeSpan.Zero)
            throw new InvalidOperationException("Imprivata:Keys: PostRetirement must be positive (longer than any token lives).");
        // A refresh slower than pre-publication would let an instance sign with a key before it has seen it published.
        if (CacheRefresh <= TimeSpan.Zero || CacheRefresh >= PrePublication)
            throw new InvalidOperationException("Imprivata:Keys: CacheRefresh must be positive and shorter than PrePublication.");
        if (KeySizeBits < 2048)
            throw new InvalidOperationException("Imprivata:Keys: KeySizeBits below 2048 is not allowed (NIST SP 800-131A).");
    }
}
