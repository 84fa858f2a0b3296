using Imprivata.Core.Audit;
using Imprivata.Storage.Audit;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// The authorize endpoint stores its audit event while OpenIddict writes the authorization and the code, and still fails
/// closed: the code leaves only once the event is stored, and a failed audit write fails the request.
/// </summary>
public sealed class AuthorizeAuditTests
{
    [Fact]
    public async Task AuthorizeWithSession_CodeIsWrittenWhileItsEventIsStored_AFailedWriteAnswers500WithoutTheCode()
    {
        var audit = new HeldAuthorizeAudit();
        await using var svc = await TestService.StartAsync(configure: builder =>
            builder.Services.AddSingleton<IAuditLog>(sp => audit.Over(ActivatorUtilities.CreateInstance<TableAuditLog>(sp))));
        const string Username = "audit.user", Password = "Correct-Horse-9";
        await svc.AddUserAsync(Username, Password);
        var redirect = new Uri("https://rp.example.org/cb");
        var secret = await svc.AddOidcAppAsync("audit-client", [redirect]);
        using var driver = await OidcDriver.ConnectAsync(new OidcTarget("ours", new Uri(svc.Issuer), "audit-client", secret, redirect, Username, Password), concurrency: 1);
        var browser = await driver.EstablishSessionAsync();
        var tokensBefore = await CodeRowsAsync(svc);

        audit.Hold = true;
        var authorize = driver.AuthorizeAsync(browser, signIn: false);
        await audit.Held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The code row is written while the audit write is still in flight, and the answer waits for that write.
        for (var waited = 0; await CodeRowsAsync(svc) == tokensBefore; waited++)
        {
            Assert.True(waited < 300, "no code row was written while the audit event was being stored");
            await Task.Delay(100);
        }
        Assert.False(authorize.IsCompleted);

        audit.Release.TrySetException(new InvalidOperationException("audit store unavailable"));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => authorize);
        Assert.Contains("unexpected 500", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<long> CodeRowsAsync(TestService svc)
    {
        await using var scope = svc.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().CountAsync();
    }

    /// <summary>Holds the authorize endpoint's event (when told to) until released; every other event goes to the real log.</summary>
    private sealed class HeldAuthorizeAudit
    {
        private IAuditLog? _inner;
        public volatile bool Hold;
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IAuditLog Over(IAuditLog inner)
        {
            _inner = inner;
            return new Log(this);
        }

        private sealed class Log(HeldAuthorizeAudit owner) : IAuditLog
        {
            public async Task AppendAsync(AuditEvent auditEvent, CancellationToken ct)
            {
                if (owner.Hold && auditEvent.Kind == AuditKinds.OidcAuthorize)
                {
                    owner.Held.TrySetResult();
                    await owner.Release.Task;
                }
                await owner._inner!.AppendAsync(auditEvent, ct);
            }

            public IAsyncEnumerable<AuditEvent> QueryAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) => owner._inner!.QueryAsync(from, to, ct);
        }
    }
}
