using Imprivata.Core.Radius;

namespace Imprivata.Functions.Admin.RemoteAccess;

/// <summary>
/// /console/api/radius/clients: the RADIUS clients (superadmin only, like every application setting). Shared secrets are
/// in the answers to create and rotate only, once; a list or get says how many are active, never what they are.
/// </summary>
public static class RadiusClientApi
{
    public sealed record AttributeRequest(string? Name, string? Value);
    public sealed record GroupRuleRequest(string? Group, IReadOnlyList<AttributeRequest>? Attributes);

    /// <summary>Create and update. <see cref="Secret"/> is read on create only (empty: one is generated).</summary>
    public sealed record ClientRequest(string? Name, string? Type, string? Description, bool? Enabled, IReadOnlyList<string>? NasAddresses,
        string? FirstFactor, string? LdapProfile, int? PushTimeoutSeconds, bool? Challenges, bool? NonLicensedAccess,
        bool? RequireMessageAuthenticator, bool? LimitProxyState, IReadOnlyList<GroupRuleRequest>? GroupAttributes, string? Secret)
    {
        public RadiusClientFields ToFields() => new()
        {
            Name = Name ?? "",
            Type = Type ?? RadiusClientTypes.Other,
            Description = Description ?? "",
            Enabled = Enabled ?? true,
            NasAddresses = NasAddresses ?? [],
            FirstFactor = FirstFactor ?? FirstFactorMode.Directory.Name(),
            LdapProfile = LdapProfile,
            PushTimeoutSeconds = PushTimeoutSeconds ?? (int)RadiusClientProfile.DefaultPushTimeout.TotalSeconds,
            Challenges = Challenges ?? true,
            NonLicensedAccess = NonLicensedAccess ?? false,
            RequireMessageAuthenticator = RequireMessageAuthenticator ?? true,
            LimitProxyState = LimitProxyState ?? true,
            GroupAttributes = [.. (GroupAttributes ?? []).Select((r, i) => new GroupRuleInput(r?.Group ?? "",
                [.. (r?.Attributes ?? []).Select(a => new RadiusReplyAttribute(a?.Name ?? "", a?.Value ?? ""))], i + 1))],
            Secret = Secret,
        };
    }

    public sealed record SecretRequest(string? Secret);

    public static void MapRadiusClientApi(this RouteGroupBuilder write)
    {
        write.MapGet("/radius/clients", async (RadiusClientAdministration clients, CancellationToken ct) =>
        {
            var names = await clients.GroupNamesAsync(ct);
            return Results.Json((await clients.ListAsync(ct)).Select(p => RadiusClientView.Of(p, names)), AdminHttp.Json);
        });

        write.MapGet("/radius/clients/{name}", async (string name, RadiusClientAdministration clients, CancellationToken ct) =>
            await clients.GetAsync(name, ct) is { } profile
                ? Results.Json(RadiusClientView.Of(profile, await clients.GroupNamesAsync(ct)), AdminHttp.Json)
                : AdminHttp.Error(404, "not_found"));

        write.MapPost("/radius/clients", async (HttpContext http, RadiusClientAdministration clients) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<ClientRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await clients.CreateAsync(AdminPrincipal.Required(http), body.ToFields(), http.RequestAborted);
            return result.Succeeded ? await WithSecretAsync(result.Value!, clients, 201, http.RequestAborted) : AdminHttp.Failure(result);
        });

        write.MapPut("/radius/clients/{name}", async (string name, HttpContext http, RadiusClientAdministration clients) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<ClientRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await clients.UpdateAsync(AdminPrincipal.Required(http), name, body.ToFields() with { Secret = null }, http.RequestAborted);
            return result.Succeeded
                ? Results.Json(RadiusClientView.Of(result.Value!, await clients.GroupNamesAsync(http.RequestAborted)), AdminHttp.Json)
                : AdminHttp.Failure(result);
        });

        write.MapDelete("/radius/clients/{name}", async (string name, HttpContext http, RadiusClientAdministration clients) =>
        {
            var result = await clients.DeleteAsync(AdminPrincipal.Required(http), name, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });

        // An empty body (or none) has a secret generated; {"secret": "..."} sets a typed one.
        write.MapPost("/radius/clients/{name}/secrets/rotate", async (string name, HttpContext http, RadiusClientAdministration clients) =>
        {
            string? typed = null;
            if (http.Request.ContentLength is > 0 || http.Request.HasJsonContentType())
            {
                var (body, error) = await AdminHttp.ReadJsonAsync<SecretRequest>(http);
                if (body is null)
                    return AdminHttp.BadRequest(error!);
                typed = body.Secret;
            }
            var result = await clients.RotateSecretAsync(AdminPrincipal.Required(http), name, typed, http.RequestAborted);
            return result.Succeeded ? await WithSecretAsync(result.Value!, clients, 200, http.RequestAborted) : AdminHttp.Failure(result);
        });

        write.MapPost("/radius/clients/{name}/secrets/retire", async (string name, HttpContext http, RadiusClientAdministration clients) =>
        {
            var result = await clients.RetirePreviousSecretAsync(AdminPrincipal.Required(http), name, http.RequestAborted);
            return result.Succeeded
                ? Results.Json(RadiusClientView.Of(result.Value!, await clients.GroupNamesAsync(http.RequestAborted)), AdminHttp.Json)
                : AdminHttp.Failure(result);
        });
    }

    /// <summary>The only responses that ever carry a shared secret; never cached.</summary>
    private static async Task<IResult> WithSecretAsync(RadiusClientSecret saved, RadiusClientAdministration clients, int status, CancellationToken ct)
    {
        var view = RadiusClientView.Of(saved.Profile, await clients.GroupNamesAsync(ct));
        return Results.Json(new RadiusClientSecretView(view, saved.Secret), AdminHttp.Json, statusCode: status);
    }
}

/// <summary>A RADIUS client as the API shows it: everything but the secrets, of which only the count.</summary>
public sealed record RadiusClientView(string Name, string Type, string Description, bool Enabled, IReadOnlyList<string> NasAddresses, string FirstFactor,
    string? LdapProfile, int PushTimeoutSeconds, bool Challenges, bool NonLicensedAccess, bool RequireMessageAuthenticator, bool LimitProxyState,
    IReadOnlyList<RadiusClientView.Rule> GroupAttributes, int ActiveSecrets, string Secrets)
{
    /// <summary>A rule: <see cref="Group"/> as typed (a directory group's name, "*", a DN), <see cref="GroupId"/> as saved.</summary>
    public sealed record Rule(string Group, string GroupId, IReadOnlyList<RadiusReplyAttribute> Attributes);

    public static RadiusClientView Of(RadiusClientProfile p, IReadOnlyDictionary<string, string> groupNames) =>
        new(p.Name, p.Type, p.Description, p.Enabled, p.NasAddresses, p.FirstFactor.Name(), p.LdapProfile, (int)p.PushTimeout.TotalSeconds,
            p.Challenges, p.NonLicensedAccess, p.RequireMessageAuthenticator, p.LimitProxyState,
            [.. p.GroupAttributes.Select(r => new Rule(groupNames.GetValueOrDefault(r.Group, r.Group), r.Group, r.Attributes))],
            p.Secrets.Count, SecretsText(p.Secrets.Count));

    public static string SecretsText(int count) => count switch
    {
        0 => "no active secret",
        1 => "1 active secret",
        _ => $"{count} active secrets",
    };
}

/// <summary>The answer to a create or a rotation: the client and the secret just set, shown this once.</summary>
public sealed record RadiusClientSecretView(RadiusClientView Client, string Secret);
