using Imprivata.RadiusEdge.Bridge;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Handling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Management;

/// <summary>
/// A connected edge's side of the console (radius-edge/README.md, "Edge management contract"): at start the client list
/// (cached, then fetched with If-None-Match) and the seal key; then a heartbeat every interval the console sets, which
/// brings the desired state (running, stopped) and the current configuration version. The credential file is read on
/// every cycle, so connecting (again) takes effect without a restart.
/// </summary>
public sealed class ManagementService(
    IOptions<EdgeOptions> options,
    ManagementClient console,
    EdgeStatus status,
    NasClientDirectory clients,
    PasswordSealer sealer,
    PendingTable pending,
    TimeProvider time,
    ILogger<ManagementService> logger) : BackgroundService
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);
    // The contract: a console change reaches the edge within one heartbeat, always under a minute.
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SealKeyRefresh = TimeSpan.FromMinutes(5);
    // A revoked edge keeps asking, slowly, in case it is connected again; not connected: look for a credential file.
    private static readonly TimeSpan RevokedRetry = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CredentialPoll = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(10);

    private readonly EdgeOptions _options = options.Value;
    private EdgeCredential? _credential;
    private DateTimeOffset? _sealKeyFetchedAt;
    private bool _edgeIdMismatchLogged;

    /// <summary>Before the listener starts: the client list and the seal key, so the first request is served by them.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _credential = EdgeCredential.Read(Path.GetFullPath(_options.CredentialFile));
        if (_credential is not null)
        {
            status.Connected = true;
            logger.LogInformation("Connected to the console: {Credential}", _credential.ToString());
            CheckEdgeId(_credential);
            UseCachedClients();
            // An unreachable console must not hold the start for long: the cached list serves meanwhile.
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(StartBudget);
            try
            {
                await SyncConfigAsync(_credential, status.ConfigVersion, budget.Token);
                await RefreshSealKeyAsync(_credential, budget.Token);
                await LearnDesiredStateAsync(_credential, budget.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Report("console: no answer at start; serving the cached client list");
            }
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await CycleAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The console is an aid, not the request path: whatever went wrong, the edge keeps serving and tries again.
                logger.LogError(e, "Console cycle failed");
                Report("console: " + e.GetType().Name);
                wait = DefaultInterval;
            }
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>An edge stopped (or revoked) from the console stays so across its own restarts: asked before the listener starts.</summary>
    private async Task LearnDesiredStateAsync(EdgeCredential credential, CancellationToken ct)
    {
        var answer = await console.HeartbeatAsync(credential, Heartbeat(), ct);
        if (answer.Unauthorized)
        {
            logger.LogError("The console refused this edge ({Error}): it answers no RADIUS requests until it is connected again", answer.Error);
            status.Revoked = true;
            Report("console: " + answer.Describe());
        }
        else if (answer.IsSuccess)
            ApplyDesiredState(answer.Value!.DesiredState);
    }

    /// <summary>One heartbeat and what follows from its answer; returns the wait until the next.</summary>
    private async Task<TimeSpan> CycleAsync(CancellationToken ct)
    {
        var credential = EdgeCredential.Read(Path.GetFullPath(_options.CredentialFile));
        if (credential is null)
        {
            status.Connected = false;
            return CredentialPoll;
        }
        var reconnected = _credential is null || _credential.Credential != credential.Credential;
        _credential = credential;
        status.Connected = true;
        CheckEdgeId(credential);

        var answer = await console.HeartbeatAsync(credential, Heartbeat(), ct);
        if (answer.Unauthorized)
        {
            if (!status.Revoked)
                logger.LogError("The console refused this edge ({Error}): it no longer answers RADIUS requests until it is connected again",
                    answer.Error);
            status.Revoked = true;
            Report("console: " + answer.Describe());
            return RevokedRetry;
        }
        if (!answer.IsSuccess)
        {
            logger.LogWarning("Heartbeat failed: {Error}", answer.Describe());
            Report("heartbeat: " + answer.Describe());
            return DefaultInterval;
        }
        var heartbeat = answer.Value!;
        if (status.Revoked)
            logger.LogWarning("The console accepts this edge again: answering RADIUS requests");
        // Connected again, after a revocation, or restarted from the console: configuration and seal key are fetched anew.
        var restart = reconnected || status.Revoked || (status.Stopped && heartbeat.DesiredState == ManagementContract.Running);
        status.Revoked = false;
        ApplyDesiredState(heartbeat.DesiredState);
        if (restart)
        {
            await SyncConfigAsync(credential, knownVersion: null, ct);
            await RefreshSealKeyAsync(credential, ct);
        }
        else
        {
            if (heartbeat.ConfigVersion is not null && heartbeat.ConfigVersion != status.ConfigVersion)
                await SyncConfigAsync(credential, status.ConfigVersion, ct);
            if (_sealKeyFetchedAt is null || time.GetUtcNow() - _sealKeyFetchedAt >= SealKeyRefresh)
                await RefreshSealKeyAsync(credential, ct);
        }
        var interval = heartbeat.HeartbeatInterval ?? DefaultInterval;
        return interval < MinInterval ? MinInterval : interval > MaxInterval ? MaxInterval : interval;
    }

    /// <summary>
    /// The backend knows this edge by the id it connected with, but its bridge requests carry <c>EdgeId</c>, and the backend
    /// applies a stop or revoke to requests by that id: when the two differ (<c>connect</c> run with other settings than the
    /// service), the console's stop and revoke are enforced here only. Said in the log once and on the console every heartbeat.
    /// </summary>
    private void CheckEdgeId(EdgeCredential credential)
    {
        if (string.Equals(credential.EdgeId, _options.EdgeId, StringComparison.OrdinalIgnoreCase))
            return;
        if (!_edgeIdMismatchLogged)
            logger.LogError("The credential file connects this edge as {Connected} but its EdgeId is {EdgeId}: run connect again with the service's settings",
                credential.EdgeId, _options.EdgeId);
        _edgeIdMismatchLogged = true;
        Report($"credential: connected as '{credential.EdgeId}' but EdgeId is '{_options.EdgeId}'; connect again with this EdgeId");
    }

    private HeartbeatRequest Heartbeat() => new(EdgeVersion.Current,
        status.Stopped || status.Revoked ? ManagementContract.Stopped : ManagementContract.Running,
        status.StartedAt, pending.Count, clients.ClientCount, status.ConfigVersion, status.RecentErrors());

    private void ApplyDesiredState(string? desired)
    {
        var stop = desired == ManagementContract.Stopped;
        if (stop == status.Stopped)
            return;
        status.Stopped = stop;
        if (stop)
            logger.LogWarning("Stopped from the console: every Access-Request is rejected until it is restarted");
        else
            logger.LogWarning("Restarted from the console: serving again");
    }

    private async Task SyncConfigAsync(EdgeCredential credential, string? knownVersion, CancellationToken ct)
    {
        var answer = await console.ConfigAsync(credential, knownVersion, ct);
        if (answer.NotModified)
            return;
        if (!answer.IsSuccess)
        {
            logger.LogWarning("Client list not fetched from the console: {Error}", answer.Describe());
            Report("config: " + answer.Describe());
            return;
        }
        var config = answer.Value!;
        clients.UseManaged(ManagedClients.Build(config, _options.Ldap, logger), "version " + config.ConfigVersion);
        status.ConfigVersion = config.ConfigVersion;
        try
        {
            ManagedClients.WriteCache(Path.GetFullPath(_options.ManagedClientsFile), config);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Cannot keep the console's client list in {File}: {Error}", _options.ManagedClientsFile, e.Message);
            Report("config: cannot write ManagedClientsFile");
        }
    }

    private void UseCachedClients()
    {
        var cached = ManagedClients.ReadCache(Path.GetFullPath(_options.ManagedClientsFile));
        if (cached is null)
            return;
        clients.UseManaged(ManagedClients.Build(cached, _options.Ldap, logger), "cached version " + cached.ConfigVersion);
        status.ConfigVersion = cached.ConfigVersion;
    }

    private async Task RefreshSealKeyAsync(EdgeCredential credential, CancellationToken ct)
    {
        // A configured key wins: nothing to fetch.
        if (sealer.Configured)
            return;
        var answer = await console.SealKeyAsync(credential, ct);
        if (!answer.IsSuccess || string.IsNullOrWhiteSpace(answer.Value!.Pem))
        {
            logger.LogWarning("Seal key not fetched from the console: {Error}", answer.Describe());
            Report("seal-key: " + answer.Describe());
            return;
        }
        // The key is for RSA-OAEP-256 key wrapping (PasswordSeal); a key published for anything else is not used.
        if (answer.Value.Alg is { } alg && !alg.StartsWith("RSA-OAEP-256", StringComparison.Ordinal))
        {
            logger.LogError("The console's seal key is for {Alg}, not RSA-OAEP-256: not used", alg);
            Report("seal-key: unexpected alg " + (alg.Length > 40 ? alg[..40] : alg));
            return;
        }
        if (!sealer.TryUse(answer.Value.Pem, answer.Value.Kid, out var error))
        {
            logger.LogError("The console's seal key is not usable: {Error}", error);
            Report("seal-key: " + error);
            return;
        }
        _sealKeyFetchedAt = time.GetUtcNow();
    }

    private void Report(string error) => status.Error(error);
}
