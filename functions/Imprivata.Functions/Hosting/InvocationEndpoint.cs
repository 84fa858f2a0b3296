using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imprivata.Functions.Hosting;

/// <summary>Marks the endpoint the Functions host uses to invoke non-HTTP functions (not an HTTP function route).</summary>
public sealed class FunctionInvocationEndpointMetadata;

/// <summary>
/// <c>POST /{FunctionName}</c> in custom-handler mode: parse the host's body, run the handler, answer
/// <c>{"Outputs":{},"Logs":[],"ReturnValue":null}</c>. Non-2xx makes the host retry the timer or the queue message.
/// </summary>
public static class InvocationEndpoint
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static void MapFunctionInvocations(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/{functionName}", HandleAsync)
            .WithMetadata(new FunctionInvocationEndpointMetadata())
            .WithName("FunctionInvocation")
            // Straight from routing: the host's loopback call needs none of the browser pipeline, and OpenIddict, which looks at
            // every request, must not fail timers and queue messages (SMS, push deadlines) while its keys cannot be read.
            .ShortCircuit();

    private static async Task HandleAsync(string functionName, HttpContext context, FunctionRegistry registry, FunctionInvoker invoker)
    {
        var ct = context.RequestAborted;
        if (!registry.TryGet(functionName, out _))
        {
            await WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, "unknown_function", "No function with this name is registered.", ct);
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBodyBytes)
        {
            await WriteErrorAsync(context.Response, StatusCodes.Status413PayloadTooLarge, "invalid_invocation", "The invocation body is too large.", ct);
            return;
        }

        var parsed = FunctionInvocationParser.Parse(functionName, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (!parsed.IsValid)
        {
            await WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, "invalid_invocation", parsed.Error!, ct);
            return;
        }

        var outcome = await invoker.InvokeAsync(parsed.Invocation!, ct);
        await InvocationResponseWriter.WriteAsync(context.Response, outcome, ct);
    }

    private static Task WriteErrorAsync(HttpResponse response, int status, string error, string reason, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        return response.WriteAsync(new JsonObject { ["error"] = error, ["reason"] = reason }.ToJsonString(), ct);
    }
}

/// <summary>Renders an outcome in the host's response shape, in one place.</summary>
public static class InvocationResponseWriter
{
    public static JsonObject ToBody(FunctionResult result)
    {
        var outputs = new JsonObject();
        foreach (var (name, value) in result.Outputs)
            outputs[name] = value?.DeepClone();
        return new JsonObject
        {
            ["Outputs"] = outputs,
            ["Logs"] = new JsonArray(result.Logs.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            ["ReturnValue"] = result.ReturnValue?.DeepClone(),
        };
    }

    public static int StatusCodeOf(InvocationStatus status) => status switch
    {
        InvocationStatus.Completed => StatusCodes.Status200OK,
        InvocationStatus.UnknownFunction => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static Task WriteAsync(HttpResponse response, InvocationOutcome outcome, CancellationToken ct)
    {
        response.StatusCode = StatusCodeOf(outcome.Status);
        response.ContentType = "application/json";
        return response.WriteAsync(ToBody(outcome.Result).ToJsonString(new JsonSerializerOptions { WriteIndented = false }), ct);
    }
}
