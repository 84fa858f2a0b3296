using Imprivata.Functions.Hosting;

namespace Imprivata.Functions.Radius;

/// <summary>
/// Service Bus function "RadiusRequestServiceBus" (FunctionApp/RadiusRequestServiceBus/function.json, entity
/// %RadiusRequestQueue%, connection "RadiusServiceBus"): the Service Bus adapter of the bridge, active when
/// Imprivata:Radius:Bus is ServiceBus. In Azure the host's trigger delivers; standalone, <see cref="ServiceBus.RadiusServiceBusPump"/>.
/// The body is the request's JSON; an unreadable one fails, so it is redelivered and then dead-lettered by the entity's
/// max delivery count.
/// </summary>
public sealed partial class RadiusRequestServiceBusFunction(RadiusDecisions decisions, RadiusAnswers answers, ILogger<RadiusRequestServiceBusFunction> logger)
    : IFunctionHandler
{
    public const string Name = "RadiusRequestServiceBus";
    public const string Binding = "message";
    /// <summary>The trigger's connection: RadiusServiceBus__fullyQualifiedNamespace (identity-based) in Azure.</summary>
    public const string Connection = "RadiusServiceBus";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        if (RadiusMessages.Read(invocation.GetDataString(Binding), out var error) is not { } request)
        {
            LogUnreadable(invocation.GetMetadataString("MessageId"), error!);
            await answers.IgnoredAsync(null, null, error!, ct);
            return FunctionResult.Failed("unreadable RADIUS request: " + error);
        }
        await decisions.HandleAsync(request, ct);
        return FunctionResult.Completed();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service Bus message {MessageId} is not a RADIUS request ({Error}); it will be redelivered and then dead-lettered")]
    private partial void LogUnreadable(string? messageId, string error);
}
