using System.Collections.Concurrent;
using Imprivata.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Imprivata.Functions.Tests.Hosting;

public class FunctionPumpTests
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 12, 1, 0, TimeSpan.Zero);

    private sealed class RecordingHandler(string name, bool succeed) : IFunctionHandler
    {
        public ConcurrentQueue<FunctionInvocation> Invocations { get; } = new();
        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string FunctionName => name;

        public Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
        {
            Invocations.Enqueue(invocation);
            Called.TrySetResult();
            return System.Threading.Tasks.Task.FromResult(succeed ? FunctionResult.Completed() : FunctionResult.Failed("no"));
        }
    }

    /// <summary>Returns once <paramref name="together"/> invocations are running at the same time (or fails after 10 s).</summary>
    private sealed class MeetingHandler(string name, int together) : IFunctionHandler
    {
        private int _started;
        public TaskCompletionSource AllStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string FunctionName => name;

        public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _started) == together)
                AllStarted.TrySetResult();
            await AllStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            return FunctionResult.Completed();
        }
    }

    private static FunctionPump Pump(FakeTimeProvider time, IFunctionHandler handler, FunctionDefinition definition, params IQueueMessageSource[] sources) =>
        Pump(time, handler, definition, new HostingOptions(), sources);

    private static FunctionPump Pump(FakeTimeProvider time, IFunctionHandler handler, FunctionDefinition definition, HostingOptions options,
        params IQueueMessageSource[] sources) => Pump(time, handler, definition, options, new ConfigurationBuilder().Build(), sources);

    private static FunctionPump Pump(FakeTimeProvider time, IFunctionHandler handler, FunctionDefinition definition, HostingOptions options,
        IConfiguration configuration, params IQueueMessageSource[] sources) =>
        new(new FunctionCatalog([definition]),
            new FunctionInvoker(new FunctionRegistry([handler]), NullLogger<FunctionInvoker>.Instance),
            time, sources, configuration, Options.Create(options), NullLogger<FunctionPump>.Instance);

    private static FunctionDefinition Timer(string name, string schedule) => new(name, "timerTrigger", "timer", null, [], schedule, null);

    private static FunctionDefinition Queue(string name) => new(name, "queueTrigger", "msg", null, [], null, "work-items");

    [Fact]
    public async Task RunAsync_TimerDue_InvokesHandlerWithTimerPayload()
    {
        var time = new FakeTimeProvider(Start);
        var handler = new RecordingHandler("Tick", succeed: true);
        using var cts = new CancellationTokenSource();
        var running = Pump(time, handler, Timer("Tick", "0 */5 * * * *")).RunAsync(cts.Token);

        Assert.Empty(handler.Invocations);
        time.Advance(TimeSpan.FromMinutes(4));
        await handler.Called.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var invocation = Assert.Single(handler.Invocations);
        Assert.Equal("Tick", invocation.Sys!.MethodName);
        Assert.Equal(new DateTimeOffset(2025, 5, 1, 12, 5, 0, TimeSpan.Zero), invocation.Sys.UtcNow);
        Assert.Contains("\"IsPastDue\":false", invocation.GetDataString("timer"));
        cts.Cancel();
        await running;
    }

    [Fact]
    public async Task RunAsync_BeforeSchedule_DoesNotInvoke()
    {
        var time = new FakeTimeProvider(Start);
        var handler = new RecordingHandler("Tick", succeed: true);
        using var cts = new CancellationTokenSource();
        var running = Pump(time, handler, Timer("Tick", "0 */5 * * * *")).RunAsync(cts.Token);

        time.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(59));
        cts.Cancel();
        await running;

        Assert.Empty(handler.Invocations);
    }

    [Fact]
    public async Task RunAsync_QueueMessage_DeliveredAndCompleted()
    {
        var time = new FakeTimeProvider(Start);
        var handler = new RecordingHandler("Work", succeed: true);
        var message = new QueueTriggerMessage("{\"job\":1}", "m1", "p1", 1, Start, null, null);
        var source = new Mock<IQueueMessageSource>();
        source.SetupSequence(s => s.ReceiveAsync("work-items", It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([message])
            .ReturnsAsync([]);
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Setup(s => s.CompleteAsync("work-items", message, It.IsAny<CancellationToken>())).Callback(() => completed.TrySetResult()).Returns(Task.CompletedTask);
        using var cts = new CancellationTokenSource();

        var running = Pump(time, handler, Queue("Work"), source.Object).RunAsync(cts.Token);
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();
        await running;

        Assert.Equal("{\"job\":1}", Assert.Single(handler.Invocations).GetQueueMessage("msg")!.Text);
        source.Verify(s => s.AbandonAsync(It.IsAny<string>(), It.IsAny<QueueTriggerMessage>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("AzureWebJobs.Work.Disabled", "true")]
    [InlineData("AzureWebJobs:Work:Disabled", "1")]
    public async Task RunAsync_FunctionDisabledByItsAppSetting_QueueNeverRead(string key, string value)
    {
        var source = new Mock<IQueueMessageSource>();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var cts = new CancellationTokenSource();

        // Nothing to run: the pump's loops end at once.
        await Pump(new FakeTimeProvider(Start), new RecordingHandler("Work", succeed: true), Queue("Work"), new HostingOptions(), configuration, source.Object)
            .RunAsync(cts.Token).WaitAsync(TimeSpan.FromSeconds(10));

        source.Verify(s => s.ReceiveAsync(It.IsAny<string>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(5, true)]
    public async Task DeliverAsync_HandlerFails_AbandonsOrMovesToPoison(long dequeueCount, bool poison)
    {
        var time = new FakeTimeProvider(Start);
        var definition = Queue("Work");
        var message = new QueueTriggerMessage("x", "m1", "p1", dequeueCount, Start, null, null);
        var source = new Mock<IQueueMessageSource>();

        await Pump(time, new RecordingHandler("Work", succeed: false), definition, source.Object)
            .DeliverAsync(definition, "work-items", source.Object, message, CancellationToken.None);

        source.Verify(s => s.MoveToPoisonAsync("work-items", message, It.IsAny<CancellationToken>()), poison ? Times.Once() : Times.Never());
        source.Verify(s => s.AbandonAsync("work-items", message, It.IsAny<CancellationToken>()), poison ? Times.Never() : Times.Once());
        source.Verify(s => s.CompleteAsync(It.IsAny<string>(), It.IsAny<QueueTriggerMessage>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_QueueBatch_MessagesHandledSideBySide()
    {
        var time = new FakeTimeProvider(Start);
        var handler = new MeetingHandler("Work", together: 2);
        QueueTriggerMessage m1 = new("a", "m1", "p1", 1, Start, null, null), m2 = new("b", "m2", "p2", 1, Start, null, null);
        var source = new Mock<IQueueMessageSource>();
        source.SetupSequence(s => s.ReceiveAsync("work-items", It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([m1, m2])
            .ReturnsAsync([]);
        var completed = 0;
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Setup(s => s.CompleteAsync("work-items", It.IsAny<QueueTriggerMessage>(), It.IsAny<CancellationToken>()))
            .Callback(() => { if (Interlocked.Increment(ref completed) == 2) both.TrySetResult(); }).Returns(Task.CompletedTask);
        using var cts = new CancellationTokenSource();

        var running = Pump(time, handler, Queue("Work"), source.Object).RunAsync(cts.Token);
        await both.Task.WaitAsync(TimeSpan.FromSeconds(20));
        cts.Cancel();
        await running;

        // One after another, the first message would wait for a second that never starts.
        Assert.True(handler.AllStarted.Task.IsCompletedSuccessfully);
        source.Verify(s => s.AbandonAsync(It.IsAny<string>(), It.IsAny<QueueTriggerMessage>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_FunctionWithItsOwnPolling_ReceivesItsBatchSize()
    {
        var time = new FakeTimeProvider(Start);
        var options = new HostingOptions { QueueBatchSize = 16 };
        options.QueuePolling["Work"] = new QueuePolling { BatchSize = 3 };
        var received = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new Mock<IQueueMessageSource>();
        source.Setup(s => s.ReceiveAsync("work-items", It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .Callback((string _, int max, CancellationToken _) => received.TrySetResult(max)).ReturnsAsync([]);
        using var cts = new CancellationTokenSource();

        var running = Pump(time, new RecordingHandler("Work", succeed: true), Queue("Work"), options, source.Object).RunAsync(cts.Token);
        var batch = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();
        await running;

        Assert.Equal(3, batch);
    }
}
