using System.Text;
using Imprivata.Functions.Hosting;

namespace Imprivata.Functions.Tests.Hosting;

public class FunctionInvocationParserTests
{
    // A storage queue trigger invocation as azure-functions-host builds it: the message string and every metadata
    // scalar serialized to JSON text, then the whole body serialized again; "sys" stays an object.
    private const string QueueBody = """
        {"Data":{"item":"\"{\\\"user\\\":\\\"alice\\\",\\\"n\\\":1}\""},
         "Metadata":{"DequeueCount":"2",
                     "ExpirationTime":"\"2025-10-16T17:58:31+00:00\"",
                     "Id":"\"5a4b6a1c-0f5e-4c1b-9d63-0c2f3e9a1b2c\"",
                     "InsertionTime":"\"2025-10-09T17:58:31+00:00\"",
                     "NextVisibleTime":"\"2025-10-09T18:08:32+00:00\"",
                     "PopReceipt":"\"AgAAAAMAAAAAAAAAsXK5sMB+2wE=\"",
                     "item":"\"{\\\"user\\\":\\\"alice\\\",\\\"n\\\":1}\"",
                     "sys":{"MethodName":"RadiusRequest","UtcNow":"2025-10-09T17:58:32.2205399Z","RandGuid":"24b2c2c4-1e4f-4a59-9c1e-7d2b55d3f6a1"}}}
        """;

    private const string TimerBody = """
        {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2025-10-09T17:55:00+00:00","Next":"2025-10-09T18:00:00+00:00","LastUpdated":"2025-10-09T17:55:00+00:00"},"IsPastDue":false}},
         "Metadata":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false},
                     "sys":{"MethodName":"PurgeExpired","UtcNow":"2025-10-09T18:00:00.0012345Z","RandGuid":"0f8fad5b-d9cb-469f-a165-70867728950e"}}}
        """;

    private static FunctionInvocation ParseValid(string name, string body)
    {
        var parsed = FunctionInvocationParser.Parse(name, Encoding.UTF8.GetBytes(body));
        Assert.True(parsed.IsValid, parsed.Error);
        return parsed.Invocation!;
    }

    [Fact]
    public void Parse_QueueTrigger_UnwrapsDoubleEncodedMessage()
    {
        var invocation = ParseValid("RadiusRequest", QueueBody);

        Assert.Equal("""{"user":"alice","n":1}""", invocation.GetDataString("item"));
    }

    [Fact]
    public void Parse_QueueTrigger_ReadsMetadataScalarsFromJsonText()
    {
        var message = ParseValid("RadiusRequest", QueueBody).GetQueueMessage("item")!;

        Assert.Equal(2, message.DequeueCount);
        Assert.Equal("5a4b6a1c-0f5e-4c1b-9d63-0c2f3e9a1b2c", message.Id);
        Assert.Equal("AgAAAAMAAAAAAAAAsXK5sMB+2wE=", message.PopReceipt);
        Assert.Equal(new DateTimeOffset(2025, 10, 9, 17, 58, 31, TimeSpan.Zero), message.InsertionTime);
        Assert.Equal(new DateTimeOffset(2025, 10, 16, 17, 58, 31, TimeSpan.Zero), message.ExpirationTime);
        Assert.Equal(new DateTimeOffset(2025, 10, 9, 18, 8, 32, TimeSpan.Zero), message.NextVisibleTime);
    }

    [Fact]
    public void Parse_Sys_ReadsMethodNameUtcNowAndRandGuid()
    {
        var invocation = ParseValid("RadiusRequest", QueueBody);

        Assert.Equal("RadiusRequest", invocation.Sys!.MethodName);
        Assert.Equal(new DateTimeOffset(2025, 10, 9, 17, 58, 32, TimeSpan.Zero).AddTicks(2205399), invocation.Sys.UtcNow);
        Assert.Equal("24b2c2c4-1e4f-4a59-9c1e-7d2b55d3f6a1", invocation.Sys.RandGuid);
        Assert.False(invocation.Metadata.ContainsKey("sys"));
    }

    [Fact]
    public void Parse_TimerTrigger_KeepsTimerInfoObject()
    {
        var invocation = ParseValid("PurgeExpired", TimerBody);

        Assert.Contains("\"IsPastDue\":false", invocation.GetDataString("timer"));
        Assert.Equal("PurgeExpired", invocation.Sys!.MethodName);
    }

    [Fact]
    public void GetDataBytes_Base64Input_ReturnsBytes()
    {
        var invocation = ParseValid("Blob", """{"Data":{"blob":"aGVsbG8="},"Metadata":{}}""");

        Assert.Equal("hello"u8.ToArray(), invocation.GetDataBytes("blob"));
    }

    [Fact]
    public void GetDataString_BindingNameInOtherCase_Found()
    {
        var invocation = ParseValid("RadiusRequest", QueueBody);

        Assert.NotNull(invocation.GetDataString("ITEM"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"Data":"x"}""")]
    [InlineData("""{"Data":{},"Metadata":[1]}""")]
    [InlineData("""{"Data":{},"Metadata":{"sys":{"MethodName":"X","UtcNow":"yesterday"}}}""")]
    public void Parse_MalformedBody_Rejected(string body)
    {
        var parsed = FunctionInvocationParser.Parse("F", Encoding.UTF8.GetBytes(body));

        Assert.False(parsed.IsValid);
        Assert.NotNull(parsed.Error);
    }

    [Fact]
    public void HostPayload_QueueMessage_RoundTripsThroughParser()
    {
        var sent = new QueueTriggerMessage("{\"a\":\"b\"}", "id-1", "pop", 3,
            new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), null, new DateTimeOffset(2025, 1, 2, 3, 14, 5, TimeSpan.Zero));
        var body = HostPayload.ForQueueMessage("Q", "msg", sent, new DateTimeOffset(2025, 1, 2, 3, 4, 6, TimeSpan.Zero), Guid.Empty);

        var received = ParseValid("Q", Encoding.UTF8.GetString(body)).GetQueueMessage("msg");

        Assert.Equal(sent, received);
    }
}
