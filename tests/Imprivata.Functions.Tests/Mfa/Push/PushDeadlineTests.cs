using System.Security.Cryptography;
using Azure.Storage.Queues;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Mfa.Push;
using Imprivata.Storage.Mfa;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Mfa.Push;

public class PushDeadlineTests
{
    [Fact]
    public async Task DeadlineMessage_ThroughAzuriteQueueAndPump_ExpiresUnansweredChallenge()
    {
        var queueName = "pd-" + Guid.NewGuid().ToString("N")[..12];
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            [PushSetup.DeadlineQueueSetting] = queueName,
            ["Imprivata:Push:ChallengeLifetime"] = "00:00:02",
        });
        var user = await service.AddUserAsync("dora", "a long enough password");
        await EnrollAsync(service, user.Id);
        var push = service.Services.GetRequiredService<PushApproval>();
        var store = service.Services.GetRequiredService<IPushChallengeStore>();

        var sent = await push.SendAsync(new PushRequest { UserId = user.Id, Username = user.Username, AppName = "Payroll" }, CancellationToken.None);
        Assert.True(sent.Succeeded);

        // Read the row, not StatusAsync: Status would expire it itself. Only the deadline function may do it here.
        var state = await WaitForAsync(async () => (await store.FindAsync(sent.Challenge!.Id, CancellationToken.None))!.State, s => s != PushState.Pending,
            TimeSpan.FromSeconds(60));
        Assert.Equal(PushState.Expired, state);
        var queue = new QueueClient(Azurite.ConnectionString, queueName);
        // The pump completes (deletes) the message once the handler returned.
        Assert.Equal(0, await WaitForAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, n => n == 0, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Schedule_DeadlineMessage_InvisibleUntilDeadline()
    {
        var queueName = "pd-" + Guid.NewGuid().ToString("N")[..12];
        var options = Azurite.NewTables();
        var queues = new Imprivata.Storage.Queues.QueueSet(options);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var deadlines = new StorageQueuePushDeadlines(queues, queueName, time);

        await deadlines.ScheduleAsync("c-1", time.GetUtcNow() + TimeSpan.FromSeconds(30), CancellationToken.None);

        var queue = await queues.GetAsync(queueName);
        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);
        var peeked = await queue.PeekMessagesAsync(32);
        Assert.Empty(peeked.Value);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Handler_MessageBeforeDeadline_ReschedulesAndLeavesPending()
    {
        var world = new PushWorld();
        await world.EnrollPhoneAsync("u-early");
        var id = (await world.SendAsync("u-early")).Challenge!.Id;
        world.Time.Advance(TimeSpan.FromSeconds(10));
        var handler = new PushDeadlineFunction(world.Push, world.Deadlines, Microsoft.Extensions.Logging.Abstractions.NullLogger<PushDeadlineFunction>.Instance);

        var result = await handler.InvokeAsync(Invocation(new PushDeadlineMessage(id).ToJson()), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(PushState.Pending, (await world.ChallengeAsync(id)).State);
        Assert.Equal(2, world.Deadlines.Scheduled.Count(s => s.ChallengeId == id));
    }

    [Fact]
    public async Task Handler_HostPayloadAfterDeadline_Expires()
    {
        var world = new PushWorld();
        await world.EnrollPhoneAsync("u-late");
        var id = (await world.SendAsync("u-late")).Challenge!.Id;
        world.Time.Advance(TimeSpan.FromSeconds(30));
        var handler = new PushDeadlineFunction(world.Push, world.Deadlines, Microsoft.Extensions.Logging.Abstractions.NullLogger<PushDeadlineFunction>.Instance);

        var result = await handler.InvokeAsync(Invocation(new PushDeadlineMessage(id).ToJson()), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(PushState.Expired, (await world.ChallengeAsync(id)).State);
    }

    [Fact]
    public async Task Handler_UnreadableMessage_FailsForRetryAndPoison()
    {
        var world = new PushWorld();
        var handler = new PushDeadlineFunction(world.Push, world.Deadlines, Microsoft.Extensions.Logging.Abstractions.NullLogger<PushDeadlineFunction>.Instance);

        var result = await handler.InvokeAsync(Invocation("not json"), CancellationToken.None);

        Assert.False(result.Succeeded);
    }

    /// <summary>The body the Functions host POSTs for a queue message, parsed as the custom-handler endpoint parses it.</summary>
    private static FunctionInvocation Invocation(string text)
    {
        var body = HostPayload.ForQueueMessage(PushDeadlineFunction.Name, PushDeadlineFunction.Binding,
            new QueueTriggerMessage(text, "m1", "p1", 1, DateTimeOffset.UtcNow, null, null), DateTimeOffset.UtcNow, Guid.NewGuid());
        return FunctionInvocationParser.Parse(PushDeadlineFunction.Name, body).Invocation!;
    }

    internal static async Task<Enrollment> EnrollAsync(TestService service, string userId, ECDsa? key = null)
    {
        key ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return await service.Services.GetRequiredService<IEnrollmentStore>().AddAsync(new Enrollment
        {
            Id = "dev-" + Guid.NewGuid().ToString("N")[..8],
            UserId = userId,
            Factor = Factor.Push,
            Confirmed = true,
            CreatedAt = DateTimeOffset.UtcNow,
            PublicKey = key.ExportSubjectPublicKeyInfo(),
        }, CancellationToken.None);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
                return value;
            await Task.Delay(200);
        }
    }
}
