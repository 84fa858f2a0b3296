using System.Text;
using Imprivata.Functions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Imprivata.Functions.Tests.Hosting;

public class FunctionInvokerTests
{
    private static FunctionInvocation Invocation(string name) =>
        FunctionInvocationParser.Parse(name, Encoding.UTF8.GetBytes("""{"Data":{},"Metadata":{}}""")).Invocation!;

    private static Mock<IFunctionHandler> Handler(string name, Func<FunctionResult> result)
    {
        var handler = new Mock<IFunctionHandler>();
        handler.SetupGet(h => h.FunctionName).Returns(name);
        handler.Setup(h => h.InvokeAsync(It.IsAny<FunctionInvocation>(), It.IsAny<CancellationToken>())).ReturnsAsync(result);
        return handler;
    }

    private static FunctionInvoker Invoker(params IFunctionHandler[] handlers) =>
        new(new FunctionRegistry(handlers), NullLogger<FunctionInvoker>.Instance);

    [Fact]
    public async Task InvokeAsync_UnknownFunction_UnknownFunctionStatus()
    {
        var outcome = await Invoker().InvokeAsync(Invocation("Nope"), CancellationToken.None);

        Assert.Equal(InvocationStatus.UnknownFunction, outcome.Status);
    }

    [Fact]
    public async Task InvokeAsync_HandlerCompletes_Completed()
    {
        var outcome = await Invoker(Handler("Work", () => FunctionResult.Completed(["done"])).Object).InvokeAsync(Invocation("work"), CancellationToken.None);

        Assert.Equal(InvocationStatus.Completed, outcome.Status);
        Assert.Equal(["done"], outcome.Result.Logs);
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrows_FailedWithoutExceptionText()
    {
        var outcome = await Invoker(Handler("Work", () => throw new InvalidOperationException("secret detail")).Object).InvokeAsync(Invocation("Work"), CancellationToken.None);

        Assert.Equal(InvocationStatus.Failed, outcome.Status);
        Assert.DoesNotContain(outcome.Result.Logs, l => l.Contains("secret detail"));
    }

    [Fact]
    public void Registry_TwoHandlersForOneName_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new FunctionRegistry([Handler("A", () => FunctionResult.Failed()).Object, Handler("a", () => FunctionResult.Failed()).Object]));
    }

    [Theory]
    [InlineData(InvocationStatus.Completed, 200)]
    [InlineData(InvocationStatus.Failed, 500)]
    [InlineData(InvocationStatus.UnknownFunction, 404)]
    public void ResponseWriter_Status_MapsToHttpStatus(InvocationStatus status, int expected)
    {
        Assert.Equal(expected, InvocationResponseWriter.StatusCodeOf(status));
    }

    [Fact]
    public void ResponseWriter_Body_HasHostShape()
    {
        var body = InvocationResponseWriter.ToBody(FunctionResult.Completed(["a"])).ToJsonString();

        Assert.Equal("""{"Outputs":{},"Logs":["a"],"ReturnValue":null}""", body);
    }
}
