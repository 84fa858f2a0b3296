using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.Keys;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Keys;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;
using Imprivata.Functions.Tests.Admin;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Imprivata.Functions.Tests.Keys;

/// <summary>The MaintainKeys timer audits what the key ring did and what it could not (a key rotation is a security change, audited).</summary>
public sealed class MaintainKeysFunctionTests
{
    // Without a key-encryption key there is nothing to re-seal: storage is never touched.
    private static readonly SecretKeys NoVault = new(new TableSet(new TableStorageOptions()));
    private static readonly FunctionInvocation Tick = new(MaintainKeysFunction.Name, new Dictionary<string, JsonElement>(), new Dictionary<string, JsonElement>(), null);

    private static async Task<List<AuditEvent>> RunAsync(KeyRingChange change)
    {
        var ring = new Mock<ISigningKeyRing>();
        ring.Setup(r => r.MaintainAsync(It.IsAny<CancellationToken>())).ReturnsAsync(change);
        var audit = new InMemoryAuditLog();
        await new MaintainKeysFunction(ring.Object, NoVault, audit, TimeProvider.System, NullLogger<MaintainKeysFunction>.Instance).InvokeAsync(Tick, default);
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

        var result = await new MaintainKeysFunction(ring.Object, NoVault, audit.Object, TimeProvider.System, NullLogger<MaintainKeysFunction>.Instance).InvokeAsync(Tick, default);

        Assert.Contains("overdue", JsonSerializer.Serialize(result));
        audit.Verify(a => a.AppendAsync(It.IsAny<AuditEvent>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task AKeyEncryptionKeyRotation_ReSealsTheDataKeys_AndIsAudited()
    {
        using var vault = new FakeKeyVault();
        var tables = new TableSet(Azurite.NewTables());
        var first = vault.AddKekVersion(DateTimeOffset.UtcNow.AddDays(-400));
        var secretKeys = new SecretKeys(tables, new KeyVaultKeyEncryptionKey(vault.NewClient(), FakeKeyVault.KekName));
        await secretKeys.OpenAllAsync(default);
        vault.AddKekVersion(DateTimeOffset.UtcNow);
        var ring = new Mock<ISigningKeyRing>();
        ring.Setup(r => r.MaintainAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new KeyRingChange(false, "no change"));
        var audit = new InMemoryAuditLog();
        var function = new MaintainKeysFunction(ring.Object, secretKeys, audit, TimeProvider.System, NullLogger<MaintainKeysFunction>.Instance);

        await function.InvokeAsync(Tick, default);
        vault.Disable(first);
        await function.InvokeAsync(Tick, default); // nothing left on the old version: quiet

        var resealed = Assert.Single(audit.Events);
        Assert.Equal((MaintainKeysFunction.ResealKind, AuditResults.Success), (resealed.Kind, resealed.Result));
        Assert.Contains(SecretKeys.MfaSecrets, resealed.Detail);
        await new SecretKeys(tables, new KeyVaultKeyEncryptionKey(vault.NewClient(), FakeKeyVault.KekName)).OpenAllAsync(default);
    }

    [Fact]
    public async Task AVaultRefusingTheReSeal_IsAuditedAsAFailure_AndTheSigningRingStillReports()
    {
        using var vault = new FakeKeyVault();
        vault.AddKekVersion(DateTimeOffset.UtcNow);
        var secretKeys = new SecretKeys(new TableSet(Azurite.NewTables()), new KeyVaultKeyEncryptionKey(vault.NewClient(), FakeKeyVault.KekName));
        vault.FailWith = 403;
        var ring = new Mock<ISigningKeyRing>();
        ring.Setup(r => r.MaintainAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new KeyRingChange(true, "published key abc"));
        var audit = new InMemoryAuditLog();

        var result = await new MaintainKeysFunction(ring.Object, secretKeys, audit, TimeProvider.System, NullLogger<MaintainKeysFunction>.Instance).InvokeAsync(Tick, default);

        Assert.Equal([(MaintainKeysFunction.AuditKind, AuditResults.Success), (MaintainKeysFunction.ResealKind, AuditResults.Failure)],
            audit.Events.Select(e => (e.Kind, e.Result)));
        var text = JsonSerializer.Serialize(result);
        Assert.Contains("published key abc", text);
        Assert.Contains("re-seal failed", text);
        Assert.DoesNotContain(vault.Credential.Token, text);
    }
}
