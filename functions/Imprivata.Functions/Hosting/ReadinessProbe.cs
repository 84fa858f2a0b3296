using Imprivata.Core.Keys;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Hosting;

/// <summary>State of one dependency as /health reports it: a fixed word, never exception text.</summary>
public static class ReadinessState
{
    public const string Ready = "ready";
    public const string Timeout = "timeout";
    public const string Unavailable = "unavailable";
    public const string NotConfigured = "not_configured";
}

public sealed record ReadinessReport(string Storage, string Keys)
{
    public bool IsReady => Storage == ReadinessState.Ready && Keys == ReadinessState.Ready;
}

/// <summary>
/// Ready means the app can do its work: storage answers, a signing key is available and the data keys open, each within a
/// short timeout.
/// The key ring is resolved lazily because another feature registers it; missing means not ready.
/// </summary>
public sealed partial class ReadinessProbe(IServiceProvider services, IOptions<HostingOptions> options, ILogger<ReadinessProbe> logger)
{
    public async Task<ReadinessReport> CheckAsync(CancellationToken ct)
    {
        var storage = CheckPartAsync("storage", async token =>
        {
            var tables = services.GetService<TableSet>();
            if (tables is null)
                return ReadinessState.NotConfigured;
            await tables.PingAsync(token);
            return ReadinessState.Ready;
        }, ct);
        var keys = CheckPartAsync("keys", async token =>
        {
            var ring = services.GetService<ISigningKeyRing>();
            if (ring is null)
                return ReadinessState.NotConfigured;
            await ring.GetActiveKeyAsync(token);
            // The data keys too: with Key Vault they open only if the vault unwraps for this identity.
            if (services.GetService<SecretKeys>() is { } secretKeys)
                await secretKeys.OpenAllAsync(token);
            return ReadinessState.Ready;
        }, ct);
        return new ReadinessReport(await storage, await keys);
    }

    private async Task<string> CheckPartAsync(string part, Func<CancellationToken, Task<string>> check, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.ReadinessTimeout);
        try
        {
            // WaitAsync bounds the wait even if a client ignores cancellation (SDK retries back off for seconds).
            return await Task.Run(() => check(timeout.Token), timeout.Token).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogNotReady(part, ReadinessState.Timeout);
            return ReadinessState.Timeout;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogUnavailable(e, part);
            return ReadinessState.Unavailable;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: {Part} is {State}")]
    private partial void LogNotReady(string part, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: {Part} is unavailable")]
    private partial void LogUnavailable(Exception exception, string part);
}
