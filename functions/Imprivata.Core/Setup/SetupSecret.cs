namespace Imprivata.Core.Setup;

/// <summary>
/// The one-time secret that lets a deployment's cloud team create the first superadmin. <see cref="Version"/> names this
/// value (a Key Vault secret version), so a redeployment's fresh secret is a new secret and a used one stays used.
/// </summary>
public sealed record SetupSecret(string Value, string Version, bool Enabled = true, DateTimeOffset? NotBefore = null, DateTimeOffset? ExpiresOn = null)
{
    /// <summary>
    /// Whether the secret may be used at <paramref name="now"/>. Key Vault hands an expired secret's value to any reader
    /// (its "exp" attribute is informational), so the expiry is enforced here.
    /// </summary>
    public bool UsableAt(DateTimeOffset now) => Enabled && (NotBefore is not { } nbf || now >= nbf) && (ExpiresOn is not { } exp || now < exp);
}

/// <summary>Where the setup secret comes from: Key Vault in Azure, a setting locally, or nowhere.</summary>
public interface ISetupSecretSource
{
    /// <summary>False when this deployment has no setup secret at all: the page then says how the first administrator is made.</summary>
    bool Configured { get; }

    /// <summary>The secret as it is now (null when it was deleted); throws <see cref="SetupSecretUnavailableException"/> when it cannot be read.</summary>
    Task<SetupSecret?> ReadAsync(CancellationToken ct);
}

/// <summary>Where the secret lives could not be asked (network, permissions, throttling): an outage, not a wrong secret.</summary>
public sealed class SetupSecretUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Records which setup secrets were used: each version creates one administrator, once, even under concurrent posts.</summary>
public interface ISetupClaims
{
    /// <summary>True when this call claimed <paramref name="version"/>; false when it was claimed before.</summary>
    Task<bool> TryClaimAsync(string version, CancellationToken ct);

    Task<bool> IsClaimedAsync(string version, CancellationToken ct);

    /// <summary>Gives a claim back when the administrator could not be created after all (a username taken meanwhile).</summary>
    Task ReleaseAsync(string version, CancellationToken ct);
}
