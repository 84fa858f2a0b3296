using Imprivata.Core.Telemetry;

namespace Imprivata.Functions.Telemetry;

public static class RequestMetrics
{
    /// <summary>The app's <see cref="SecurityMetrics"/>, so an endpoint's decision point records its outcome in one line.</summary>
    public static SecurityMetrics Metrics(this HttpContext http) => http.RequestServices.GetRequiredService<SecurityMetrics>();
}
