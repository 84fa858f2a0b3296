namespace Imprivata.Functions.Hosting;

/// <summary>
/// The code behind one non-HTTP function (timer, queue) declared in FunctionApp/&lt;Name&gt;/function.json.
/// The Functions host reaches it through <c>POST /{FunctionName}</c>; standalone, the in-process pump calls it directly.
/// Register with <c>services.AddFunctionHandler&lt;T&gt;()</c>.
/// </summary>
public interface IFunctionHandler
{
    /// <summary>Exactly the folder name of the function under FunctionApp/.</summary>
    string FunctionName { get; }

    /// <summary>
    /// Returns <see cref="FunctionResult.Failed"/> (or throws, for bugs) when the work must be retried: the host then
    /// retries the timer or makes the queue message visible again.
    /// </summary>
    Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct);
}
