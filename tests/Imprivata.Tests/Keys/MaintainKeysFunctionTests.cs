using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.Keys;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Keys;
using Imprivata.Tests.Admin;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Imprivata.Tests.Keys;

/// <summary>The MaintainKeys timer audits what the key ring did and what it could not (security-tests: key rotation audited).</summary>
public sealed class MaintainKeysFunctionTests
{
    private static readonly FunctionInvocation Tick = new(MaintainKeysFunction.Name, new Dictionary<string, JsonElement>(), new Dictionary<string, JsonElement>(), null);

    private static async Task<List<AuditEvent>> RunAsync(KeyRingChange change)
    {
        var ring = new Mock<ISigningKeyRing>();
        ring.Setup(r => r.MaintainAsync(It.IsAny<CancellationToken>())).ReturnsAsync(change);
        var audit = new InMemoryAuditLog();
        await new MaintainKeysFunction(ring.Object, audit, TimeProvider.System, NullLogger<MaintainKeysFunction>.Instance).InvokeAsync(Tick, default);
        return audit.Events;
    }

    [Fact]
    public async Task ARotation_IsAuditedAsTheTimersAction()
    {
        var events = await RunAsync(new KeyRingChange(true, "published key abc, activating 2026-12-01"));

        var rotated = Assert.Single(events);
        Assert.Equal((MaintainKeysFunction.AuditKind, AuditResults.Success, MaintainKeysFunction.Name), (rotated.Kind, rotated.Result, rotated.Actor));
        Assert.Contains("published key abc", rotated.Detail);
    }

    [Fact]
    public async Task AnOverdueRotation_IsAuditedAsAFailure_NothingWhenAllIsInOrder()
    {
        var overdue = await RunAsync(new KeyRingChange(false, "no change", "Key Vault key 'idp-signing' has signed for longer than 90 days"));
        var quiet = await RunAsync(new KeyRingChange(false, "no change"));

        var failure = Assert.Single(overdue);
        Assert.Equal((AuditResults.Failure, MaintainKeysFunction.OverdueReason), (failure.Result, failure.Reason));
        Assert.Empty(quiet);
    }

    [Fact]
    public async Task AFailingAuditWrite_DoesNotFailTheRunOrHideTheProblem()
    {
        var ring = new Mock<ISigningKeyRing>();
        ring.Setup(r => r.MaintainAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new KeyRingChange(true, "published key abc", "overdue"));
        var audit = new Mock<IAuditLog>();
        audit.Setup(a => a.AppendAsync(It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("storage down"));

        var result = await new MaintainKeysFunction(ring.Object, audit.Object, TimeProvider.System, NullLogger<MaintainKeysFunction>.Instance).InvokeAsync(Tick, default);

        Assert.Contains("overdue", JsonSerializer.Serialize(result));
        audit.Verify(a => a.AppendAsync(It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }
}
