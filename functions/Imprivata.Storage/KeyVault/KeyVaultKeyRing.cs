using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Security.KeyVault.Keys;
using Imprivata.Core.Keys;
using Imprivata.Storage.Keys;
using Microsoft.Extensions.Logging;
using RotationRules = Imprivata.Core.Keys.KeyRotationPolicy;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// The key ring over one Key Vault key: each enabled, unexpired version is a key of the ring, activating
/// <see cref="KeyRingOptions.PrePublication"/> after it was created (or after its nbf). Key Vault's own rotation policy
/// (configured by infra, period = <see cref="KeyRingOptions.ActiveLifetime"/>) creates the versions; this ring only reads them.
/// Versions and public keys are cached (<see cref="KeyRingOptions.CacheRefresh"/>): a token costs one remote sign, no GET
/// (Key Vault throttles cryptographic operations per vault, so every request not needed is one a sign-in could use).
/// </summary>
public sealed partial class KeyVaultKeyRing : ISigningKeyRing
{
    private readonly KeyClient _client;
    private readonly string _keyName;
    private readonly RotationRules _rules;
    private readonly TimeProvider _time;
    private readonly ILogger<KeyVaultKeyRing> _logger;
    private readonly RefreshingValue<KeyRingSnapshot> _snapshot;
    private readonly ConcurrentDictionary<string, SigningKey> _versions = new(StringComparer.Ordinal);

    public KeyVaultKeyRing(KeyClient client, string keyName, KeyRingOptions options, TimeProvider time, ILogger<KeyVaultKeyRing> logger)
    {
        _client = client;
        _keyName = keyName;
        _rules = new RotationRules(options);
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
        var problem = _rules.IsOverdue(snapshot.Schedules, _time.GetUtcNow())
            ? $"Key Vault key '{_keyName}' has signed for longer than {_rules.Options.ActiveLifetime.TotalDays:0} days and has no newer version: " +
              await RotationAdviceAsync(ct).ConfigureAwait(false)
            : null;
        return new KeyRingChange(added > 0, $"Key Vault rotates key '{_keyName}' itself; {snapshot.Schedules.Count} usable versions, {added} new.", problem);
    }

    /// <summary>Key Vault refuses to sign with a disabled key, or outside [nbf, exp).</summary>
    public static bool IsUsableAt(KeyProperties version, DateTimeOffset now) =>
        version.Enabled == true && (version.NotBefore is not { } nbf || nbf <= now) && (version.ExpiresOn is not { } exp || now < exp);

    private async Task<KeyRingSnapshot> LoadAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var versions = await KeyVaultRequestException.OnFailureAsync("list versions", _keyName, async () =>
        {
            var all = new List<KeyProperties>();
            await foreach (var version in _client.GetPropertiesOfKeyVersionsAsync(_keyName, ct).ConfigureAwait(false))
                all.Add(version);
            return all;
        }).ConfigureAwait(false);
        var usable = versions.Where(v => IsUsableAt(v, now)).ToList();
        if (usable.Count == 0)
            throw NoUsableVersion();
        var keys = new List<SigningKey>();
        foreach (var version in usable)
            keys.Add(_versions.TryGetValue(version.Version, out var known) ? known : await LoadVersionAsync(version, ct).ConfigureAwait(false));
        return new KeyRingSnapshot(_rules, keys);
    }

    /// <summary>Once per version and instance: GET its public key and make its certificate (one remote sign).</summary>
    private async Task<SigningKey> LoadVersionAsync(KeyProperties version, CancellationToken ct)
    {
        var key = await KeyVaultRequestException.OnFailureAsync("get", _keyName,
            async () => (await _client.GetKeyAsync(_keyName, version.Version, ct).ConfigureAwait(false)).Value).ConfigureAwait(false);
        if (key.KeyType != KeyType.Rsa && key.KeyType != KeyType.RsaHsm)
            throw new KeyVaultRequestException($"Key Vault key '{_keyName}' is of type {key.KeyType}; an RSA key is required.");
        RSAParameters publicKey;
        using (var material = key.Key.ToRSA())
            publicKey = material.ExportParameters(false);
        var rsa = new KeyVaultRsa(_client.GetCryptographyClient(_keyName, version.Version), _keyName, version.Version, publicKey);
        var keyId = JwkThumbprint.OfRsa(publicKey);
        var created = version.CreatedOn ?? throw new KeyVaultRequestException($"Key Vault key '{_keyName}' has a version without a creation time.");
        var start = version.NotBefore is { } nbf && nbf > created ? nbf : created;
        var schedule = new KeySchedule(keyId, created, start + _rules.Options.PrePublication);
        // One lifetime of slack beyond the expected end: a rotation the vault runs late must not leave the key signing under an
        // expired certificate (maintenance reports the late rotation meanwhile).
        var notAfter = _rules.ExpectedPublicationEnd(schedule) + _rules.Options.ActiveLifetime;
        if (version.ExpiresOn is { } exp && exp < notAfter)
            notAfter = exp;
        // The generator signs synchronously through the vault; keep that off the caller's thread.
        var certificate = await Task.Run(
            () => SigningCertificate.Create(rsa, keyId, _rules.Options.CertificateSubject, created, notAfter), ct).ConfigureAwait(false);
        var signingKey = new SigningKey(keyId, rsa, certificate, schedule.CreatedAt, schedule.ActivatesAt, null);
        LogVersionLoaded(_keyName, version.Version, keyId, schedule.ActivatesAt);
        return _versions.GetOrAdd(version.Version, signingKey);
    }

    /// <summary>Read only when a rotation is overdue (hourly at most): the policy explains why the vault made no new version.</summary>
    private async Task<string> RotationAdviceAsync(CancellationToken ct)
    {
        try
        {
            var policy = await _client.GetKeyRotationPolicyAsync(_keyName, ct).ConfigureAwait(false);
            return KeyVaultRotationAdvice.For(policy.Value, _rules.Options.ActiveLifetime);
        }
        catch (RequestFailedException e)
        {
            LogRotationPolicyUnread(_keyName, e.Status);
            return KeyVaultRotationAdvice.Unreadable(e.Status);
        }
    }

    private InvalidOperationException NoUsableVersion() =>
        new($"Key Vault key '{_keyName}' has no enabled, unexpired version to sign with.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded Key Vault key {KeyName} version {Version} as {KeyId} activating at {ActivatesAt}")]
    private partial void LogVersionLoaded(string keyName, string version, string keyId, DateTimeOffset activatesAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh Key Vault key {KeyName}; serving the versions already loaded")]
    private partial void LogStale(Exception exception, string keyName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the rotation policy of Key Vault key {KeyName}: status {Status}")]
    private partial void LogRotationPolicyUnread(string keyName, int status);
}
