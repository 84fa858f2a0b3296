namespace Imprivata.Functions.Audit;

/// <summary>
/// An answer whose audit event is written beside it instead of before it (the authorization endpoint's writes of the
/// authorization and code go out while the event is stored), still failing closed: no byte of the answer leaves before the
/// event is stored (the response's OnStarting waits for it), and a failed write fails the request as an awaited write did.
/// </summary>
public sealed class AnswerAfterAudit(IResult answer, Task audited) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.OnStarting(() => audited);
        try
        {
            await answer.ExecuteAsync(httpContext);
        }
        finally
        {
            // Observed on every path, so a failed write is never lost unseen (the host logs it with the request).
            await audited;
        }
    }
}
