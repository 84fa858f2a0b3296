using Imprivata.Core.Mfa.Push;

namespace Imprivata.Functions.Mfa.Push;

/// <summary>
/// The approver page's JSON API under /approve/api. Registration is authorized by the one-time enrollment token, listing by
/// a device-signed request, decisions by the device's signature over the decision itself. No cookies anywhere.
/// </summary>
public static class ApproverApi
{
    public const int MaxBodyBytes = 8 * 1024;

    public static void MapApproverApi(this IEndpointRouteBuilder app)
    {
        // RFC 9111 5.2.2.5: the registration answer carries the TOTP seed and the lists name users and apps; no cache keeps any.
        var api = app.MapGroup("/approve/api").AddEndpointFilter((context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return next(context);
        });
        api.MapPost("/devices", RegisterAsync);
        api.MapGet("/challenges", PendingAsync);
        api.MapPost("/challenges/{id}/decision", DecideAsync);
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, PushEnrollment enrollment)
    {
        var (body, error) = await ReadAsync<DeviceRegistrationRequest>(http);
        if (body is null)
            return ApproverJson.Error(400, error!);
        if (ApproverJson.FromBase64Url(body.PublicKey) is not { } key)
            return ApproverJson.Error(400, "bad_public_key");
        var result = await enrollment.RegisterAsync(body.Token ?? "", key, body.DeviceName, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        if (!result.Succeeded)
            return ApproverJson.Error(result.Error is "bad_public_key" or "bad_device_name" ? 400 : 403, result.Error!);
        var e = result.Enrollment!;
        return Results.Json(new DeviceRegistrationResponse(e.UserId, result.Username, e.Id, e.Label, ApproverJson.ToBase64Url(result.TotpSeed!),
            e.Otp?.Digits ?? 6, e.Otp?.Period ?? 30), ApproverJson.Options, statusCode: 201);
    }

    private static async Task<IResult> PendingAsync(HttpContext http, DeviceRequestAuth auth, PushApproval push, TimeProvider time)
    {
        var (device, error) = await auth.AuthenticateAsync(http.Request, http.RequestAborted);
        if (device is null)
            return ApproverJson.Error(401, error!);
        var now = time.GetUtcNow();
        var pending = await push.PendingForDeviceAsync(device.Enrollment.UserId, device.Enrollment.Id, http.RequestAborted);
        return Results.Json(new PendingChallengesResponse(
            [.. pending.Select(c => new ChallengeView(c.Id, c.Username, c.AppName, c.ClientIp, c.CreatedAt, c.ExpiresAt,
                (int)Math.Max(0, Math.Ceiling((c.ExpiresAt - now).TotalSeconds)), c.MatchNumber is not null))],
            now), ApproverJson.Options);
    }

    private static async Task<IResult> DecideAsync(string id, HttpContext http, PushApproval push)
    {
        var (body, error) = await ReadAsync<DecisionRequest>(http);
        if (body is null)
            return ApproverJson.Error(400, error!);
        if (!PushSignature.TryParse(body.Decision, out var kind))
            return ApproverJson.Error(400, "bad_decision");
        if (ApproverJson.FromBase64Url(body.Signature) is not { } signature)
            return ApproverJson.Error(400, "bad_signature");
        if (body.Number is { Length: > 8 })
            return ApproverJson.Error(400, "bad_number");
        var result = await push.DecideAsync(new PushDecision
        {
            ChallengeId = id,
            Kind = kind,
            EnteredNumber = string.IsNullOrEmpty(body.Number) ? null : body.Number,
            Signature = signature,
            DeviceIp = http.Connection.RemoteIpAddress?.ToString(),
        }, http.RequestAborted);
        if (!result.Recorded)
        {
            var status = result.Error switch
            {
                PushReasons.UnknownChallenge => 404,
                PushReasons.BadSignature or PushReasons.UnknownDevice => 403,
                _ => 409, // not pending any more, or expired
            };
            return ApproverJson.Error(status, result.Error!);
        }
        return Results.Json(new DecisionResponse(result.State!.Value.Name(), result.Reason!), ApproverJson.Options);
    }

    /// <summary>A bounded JSON body; malformed input is a reason code, never an exception.</summary>
    private static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpContext http) where T : class
    {
        if (!http.Request.HasJsonContentType())
            return (null, "expected_json");
        if (http.Request.ContentLength > MaxBodyBytes)
            return (null, "body_too_large");
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[4096];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                    return (null, "body_too_large");
                buffer.Write(chunk, 0, read);
            }
            var value = System.Text.Json.JsonSerializer.Deserialize<T>(buffer.ToArray(), ApproverJson.Options);
            return value is null ? (null, "malformed_json") : (value, null);
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, "malformed_json");
        }
    }
}
