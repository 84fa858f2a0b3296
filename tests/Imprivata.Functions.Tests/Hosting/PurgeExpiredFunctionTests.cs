using System.Text;
using Imprivata.Functions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Imprivata.Functions.Tests.Hosting;

public class PurgeExpiredFunctionTests
{
    private static readonly DateTimeOffset Now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static FunctionInvocation Timer() =>
        FunctionInvocationParser.Parse(PurgeExpiredFunction.Name, HostPayload.ForTimer(PurgeExpiredFunction.Name, "timer", Now, false, Guid.Empty)).Invocation!;

    private static Mock<IPurgeTask> Task(string name, Func<int> purge)
    {
        var task = new Mock<IPurgeTask>();
        task.SetupGet(t => t.Name).Returns(name);
        task.Setup(t => t.PurgeAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(purge);
        return task;
    }

    private static PurgeExpiredFunction Function(params IPurgeTask[] tasks) =>
        new(tasks, new FakeTimeProvider(Now), NullLogger<PurgeExpiredFunction>.Instance);

    [Fact]
    public async Task InvokeAsync_EveryTask_RunsWithCurrentTime()
    {
        var codes = Task("codes", () => 3);
        var sessions = Task("sessions", () => 0);

        var result = await Function(codes.Object, sessions.Object).InvokeAsync(Timer(), CancellationToken.None);

        Assert.True(result.Succeeded);
        codes.Verify(t => t.PurgeAsync(Now, It.IsAny<CancellationToken>()), Times.Once);
        sessions.Verify(t => t.PurgeAsync(Now, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Contains("codes: purged 3", result.Logs);
    }

    [Fact]
    public async Task InvokeAsync_OneTaskThrows_OthersRunAndInvocationFails()
    {
        var broken = Task("broken", () => throw new InvalidOperationException("boom"));
        var after = Task("after", () => 1);

        var result = await Function(broken.Object, after.Object).InvokeAsync(Timer(), CancellationToken.None);

        Assert.False(result.Succeeded);
        after.Verify(t => t.PurgeAsync(Now, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Contains("broken: failed", result.Logs);
        Assert.DoesNotContain(result.Logs, l => l.Contains("boom"));
    }
}
