using Imprivata.Core.Keys;
using Imprivata.Functions.Hosting;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace Imprivata.Functions.Tests.Hosting;

public class ReadinessProbeTests
{
    private static ReadinessProbe Probe(TableStorageOptions? tables, ISigningKeyRing? ring)
    {
        var services = new ServiceCollection();
        if (tables is not null)
            services.AddSingleton(new TableSet(tables));
        if (ring is not null)
            services.AddSingleton(ring);
        var options = Options.Create(new HostingOptions { ReadinessTimeout = TimeSpan.FromSeconds(2) });
        return new ReadinessProbe(services.BuildServiceProvider(), options, NullLogger<ReadinessProbe>.Instance);
    }

    private static ISigningKeyRing WorkingRing()
    {
        var ring = new Mock<ISigningKeyRing>();
        ring.Setup(r => r.GetActiveKeyAsync(It.IsAny<CancellationToken>())).ReturnsAsync((SigningKey)null!);
        return ring.Object;
    }

    [Fact]
    public async Task CheckAsync_StorageAndKeysAnswer_Ready()
    {
        var report = await Probe(Azurite.NewTables(), WorkingRing()).CheckAsync(CancellationToken.None);

        Assert.True(report.IsReady);
    }

    [Fact]
    public async Task CheckAsync_NoKeyRingRegistered_KeysNotConfigured()
    {
        var report = await Probe(Azurite.NewTables(), null).CheckAsync(CancellationToken.None);

        Assert.False(report.IsReady);
        Assert.Equal(ReadinessState.Ready, report.Storage);
        Assert.Equal(ReadinessState.NotConfigured, report.Keys);
    }

    [Fact]
    public async Task CheckAsync_KeyRingThrows_KeysUnavailable()
    {
        var ring = new Mock<ISigningKeyRing>();
        ring.Setup(r => r.GetActiveKeyAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("vault says no"));

        var report = await Probe(Azurite.NewTables(), ring.Object).CheckAsync(CancellationToken.None);

        Assert.Equal(ReadinessState.Unavailable, report.Keys);
    }

    [Fact]
    public async Task CheckAsync_KeyRingNeverAnswers_KeysTimeout()
    {
        var ring = new Mock<ISigningKeyRing>();
        ring.Setup(r => r.GetActiveKeyAsync(It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<SigningKey>().Task);

        var report = await Probe(Azurite.NewTables(), ring.Object).CheckAsync(CancellationToken.None);

        Assert.Equal(ReadinessState.Timeout, report.Keys);
    }

    [Fact]
    public async Task CheckAsync_StorageUnreachable_StorageNotReady()
    {
        var closedPort = Ports.FreeTcp();
        var tables = new TableStorageOptions
        {
            ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;",
            TablePrefix = "unreachable",
        };

        var report = await Probe(tables, WorkingRing()).CheckAsync(CancellationToken.None);

        Assert.False(report.IsReady);
        Assert.NotEqual(ReadinessState.Ready, report.Storage);
    }
}
