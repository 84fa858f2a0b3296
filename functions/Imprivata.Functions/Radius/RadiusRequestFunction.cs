using Imprivata.Functions.Hosting;

namespace Imprivata.Functions.Radius;

/// <summary>
/// Queue function "RadiusRequest" (FunctionApp/RadiusRequest/function.json, queue %RadiusRequestQueue%): the Storage Queues
/// adapter of the bridge. It only reads the message and hands it to <see cref="RadiusDecisions"/>; an unreadable message
/// fails, so it is retried and then lands on the poison queue for an operator to read.
/// </summary>
public sealed partial class RadiusRequestFunction(RadiusDecisions decisions, RadiusAnswers answers, ILogger<RadiusRequestFunction> logger) : IFunctionHandler
{
    public const string Name = "RadiusRequest";
    public const string Binding = "message";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        if (RadiusMessages.Read(invocation.GetDataString(Binding), out var error) is not { } request)
        {
            LogUnreadable(error!);
            await answers.IgnoredAsync(null, null, error!, ct);
            return FunctionResult.Failed("unreadable RADIUS request: " + error);
        }
        await decisions.HandleAsync(request, ct);
        return FunctionResult.Completed();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A RADIUS request message could not be read ({Error}); it will be retried and then moved to the poison queue")]
    private partial void LogUnreadable(string error);
}
