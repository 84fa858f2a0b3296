using System.Collections.Concurrent;
using Imprivata.Core.Keys;
using Imprivata.Storage.Keys;
using Microsoft.Extensions.Logging;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// The key ring over one Key Vault key: each enabled, unexpired version is a key of the ring, activating
/// <see cref="KeyRingOptions.PrePublication"/> after it was created (or after its nbf). Key Vault's own rotation policy
/// (configured by infra, period = <see cref="KeyRingOptions.ActiveLifetime"/>) creates the versions; this ring only reads them.
/// Versions and public keys are cached (<see cref="KeyRingOptions.CacheRefresh"/>): a token costs one remote sign, no GET.
/// </summary>
public sealed partial class KeyVaultKeyRing : ISigningKeyRing
{
    private readonly KeyVaultKeysClient _client;
    private readonly string _keyName;
    private readonly KeyRotationPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger<KeyVaultKeyRing> _logger;
    private readonly RefreshingValue<KeyRingSnapshot> _snapshot;
    private readonly ConcurrentDictionary<string, SigningKey> _versions = new(StringComparer.Ordinal);

    public KeyVaultKeyRing(KeyVaultKeysClient client, string keyName, KeyRingOptions options, TimeProvider time, ILogger<KeyVaultKeyRing> logger)
    {
        _client = client;
        _keyName = keyName;
        _policy = new KeyRotationPolicy(options);
        _time = time;
        _logger = logger;
        _snapshot = new RefreshingValue<KeyRingSnapshot>(LoadAsync, time, options.CacheRefresh, e => LogStale(e, keyName));
    }

    public async Task<SigningKey> GetActiveKeyAsync(CancellationToken ct)
    {
        var snapshot = await _snapshot.GetAsync(ct).ConfigureAwait(false);
        return snapshot.FindActive(_time.GetUtcNow()) ?? throw NoUsableVersion();
    }

    public async Task<IReadOnlyList<SigningKey>> GetPublishedKeysAsync(CancellationToken ct) =>
        (await _snapshot.GetAsync(ct).ConfigureAwait(false)).Published(_time.GetUtcNow());

    /// <summary>Rotation is Key Vault's job; maintenance re-reads the versions now (rather than at the next refresh).</summary>
    public async Task<KeyRingChange> MaintainAsync(CancellationToken ct)
    {
        var before = _versions.Keys.ToHashSet(StringComparer.Ordinal);
        var snapshot = await LoadAsync(ct).ConfigureAwait(false);
        _snapshot.Set(snapshot);
        var added = _versions.Keys.Count(v => !before.Contains(v));
        // Key Vault's rotation policy, not this service, makes new versions: when it is missing or late, say so every run.
        var problem = _policy.IsOverdue(snapshot.Schedules, _time.GetUtcNow())
            ? $"Key Vault key '{_keyName}' has signed for longer than {_policy.Options.ActiveLifetime.TotalDays:0} days and has no newer version: " +
              "check the key's rotation policy (or rotate it by hand)."
            : null;
        return new KeyRingChange(added > 0, $"Key Vault rotates key '{_keyName}' itself; {snapshot.Schedules.Count} usable versions, {added} new.", problem);
    }

    private async Task<KeyRingSnapshot> LoadAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var usable = (await _client.GetVersionsAsync(_keyName, ct).ConfigureAwait(false)).Where(v => v.IsUsableAt(now)).ToList();
        if (usable.Count == 0)
            throw NoUsableVersion();
        var keys = new List<SigningKey>();
        foreach (var version in usable)
            keys.Add(_versions.TryGetValue(version.Version, out var known) ? known : await LoadVersionAsync(version, ct).ConfigureAwait(false));
        return new KeyRingSnapshot(_policy, keys);
    }

    /// <summary>Once per version and instance: GET its public key and make its certificate (one remote sign).</summary>
    private async Task<SigningKey> LoadVersionAsync(KeyVaultKeyVersion version, CancellationToken ct)
    {
        var key = await _client.GetKeyAsync(_keyName, version.Version, ct).ConfigureAwait(false);
        var rsa = new KeyVaultRsa(_client, _keyName, version.Version, key.PublicKey);
        var keyId = JwkThumbprint.OfRsa(key.PublicKey);
        var start = version.NotBefore is { } nbf && nbf > version.Created ? nbf : version.Created;
        var schedule = new KeySchedule(keyId, version.Created, start + _policy.Options.PrePublication);
        // One lifetime of slack beyond the expected end: a rotation the vault runs late must not leave the key signing under an
        // expired certificate (maintenance reports the late rotation meanwhile).
        var notAfter = _policy.ExpectedPublicationEnd(schedule) + _policy.Options.ActiveLifetime;
        if (version.Expires is { } exp && exp < notAfter)
            notAfter = exp;
        // The generator signs synchronously through the vault; keep that off the caller's thread.
        var certificate = await Task.Run(
            () => SigningCertificate.Create(rsa, keyId, _policy.Options.CertificateSubject, version.Created, notAfter), ct).ConfigureAwait(false);
        var signingKey = new SigningKey(keyId, rsa, certificate, schedule.CreatedAt, schedule.ActivatesAt, null);
        LogVersionLoaded(_keyName, version.Version, keyId, schedule.ActivatesAt);
        return _versions.GetOrAdd(version.Version, signingKey);
    }

    private InvalidOperationException NoUsableVersion() =>
        new($"Key Vault key '{_keyName}' has no enabled, unexpired version to sign with.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded Key Vault key {KeyName} version {Version} as {KeyId} activating at {ActivatesAt}")]
    private partial void LogVersionLoaded(string keyName, string version, string keyId, DateTimeOffset activatesAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh Key Vault key {KeyName}; serving the versions already loaded")]
    private partial void LogStale(Exception exception, string keyName);
}
