using System.Net;
using Imprivata.Core.Audit;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Radius;

namespace Imprivata.Functions.Admin.RemoteAccess;

/// <summary>A saved client and the shared secret just set: what the console shows once after a create or a rotation.</summary>
public sealed record RadiusClientSecret(RadiusClientProfile Profile, string Secret);

/// <summary>
/// Applications > Remote access: the RADIUS clients (VPN gateways) the edges serve. Superadmin only (enforced by the
/// endpoints). Every change is audited, naming the client and never a secret; a refused change is audited with its reason.
/// Shared secrets are generated here (or typed, 22-64 characters), shown once, and rotated through two active ones: the
/// new one becomes current while the previous one keeps working until it is retired, so a gateway is never cut off.
/// </summary>
public sealed class RadiusClientAdministration(IRadiusClientStore store, IDirectoryStore directory, AdminAudit audit)
{
    public const int MaxDescriptionLength = 1024;
    public const int MaxNasAddresses = 50;
    private readonly RadiusClientRules _rules = new();

    public Task<IReadOnlyList<RadiusClientProfile>> ListAsync(CancellationToken ct) => store.ListAsync(ct);

    public Task<RadiusClientProfile?> GetAsync(string name, CancellationToken ct) => store.FindAsync(name, ct);

    /// <summary>Directory group ids to names, for showing rules (ids and DNs not found stay as they are).</summary>
    public async Task<IReadOnlyDictionary<string, string>> GroupNamesAsync(CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var group in directory.ListGroupsAsync(ct).ConfigureAwait(false))
            names[group.Id] = group.Name;
        return names;
    }

    public async Task<AdminResult<RadiusClientSecret>> CreateAsync(AdminPrincipal actor, RadiusClientFields fields, CancellationToken ct)
    {
        var secret = string.IsNullOrEmpty(fields.Secret) ? RadiusSharedSecret.Generate() : fields.Secret;
        var (profile, invalid) = await CheckAsync(fields, [secret], ct).ConfigureAwait(false);
        if (invalid is null && !RadiusSharedSecret.IsValid(secret))
            invalid = new FieldError("secret_invalid", "secret");
        if (invalid is null && await store.FindAsync(profile!.Name, ct).ConfigureAwait(false) is not null)
            invalid = new FieldError(RadiusClientErrors.NameTaken, "name");
        if (invalid is not null)
            return await RefusedAsync<RadiusClientSecret>(actor, AuditKinds.AdminRadiusClientCreate, fields.Name, invalid, ct).ConfigureAwait(false);
        await store.SaveAsync(profile!, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminRadiusClientCreate, ct, clientId: profile!.Name, detail: Summary(profile)).ConfigureAwait(false);
        return AdminResult<RadiusClientSecret>.Ok(new RadiusClientSecret(profile, secret));
    }

    /// <summary>Replaces every setting but the secrets (rotated on their own); a new name renames the client.</summary>
    public async Task<AdminResult<RadiusClientProfile>> UpdateAsync(AdminPrincipal actor, string name, RadiusClientFields fields, CancellationToken ct)
    {
        if (await store.FindAsync(name, ct).ConfigureAwait(false) is not { } existing)
            return AdminResult<RadiusClientProfile>.Fail(DirectoryErrors.NotFound);
        var (profile, invalid) = await CheckAsync(fields, existing.Secrets, ct).ConfigureAwait(false);
        var renamed = invalid is null && !string.Equals(profile!.Name, existing.Name, StringComparison.OrdinalIgnoreCase);
        if (renamed && await store.FindAsync(profile!.Name, ct).ConfigureAwait(false) is not null)
            invalid = new FieldError(RadiusClientErrors.NameTaken, "name");
        if (invalid is not null)
            return await RefusedAsync<RadiusClientProfile>(actor, AuditKinds.AdminRadiusClientUpdate, existing.Name, invalid, ct).ConfigureAwait(false);
        // Save the new name first: a failure between the two leaves both, never neither.
        await store.SaveAsync(profile!, ct).ConfigureAwait(false);
        if (renamed)
            await store.DeleteAsync(existing.Name, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminRadiusClientUpdate, ct, clientId: profile!.Name,
            detail: (renamed ? $"renamed_from={existing.Name};" : "") + Summary(profile)).ConfigureAwait(false);
        return AdminResult<RadiusClientProfile>.Ok(profile);
    }

    public async Task<AdminResult<bool>> DeleteAsync(AdminPrincipal actor, string name, CancellationToken ct)
    {
        if (await store.FindAsync(name, ct).ConfigureAwait(false) is not { } existing || !await store.DeleteAsync(existing.Name, ct).ConfigureAwait(false))
            return AdminResult<bool>.Fail(DirectoryErrors.NotFound);
        await audit.SucceededAsync(actor, AuditKinds.AdminRadiusClientDelete, ct, clientId: existing.Name).ConfigureAwait(false);
        return AdminResult<bool>.Ok(true);
    }

    /// <summary>
    /// A new current secret (typed, or generated when <paramref name="typed"/> is empty); the current one stays active as the
    /// previous. Refused while two are active: retiring one first makes sure no gateway still on it is cut off by surprise.
    /// </summary>
    public async Task<AdminResult<RadiusClientSecret>> RotateSecretAsync(AdminPrincipal actor, string name, string? typed, CancellationToken ct)
    {
        if (await store.FindAsync(name, ct).ConfigureAwait(false) is not { } existing)
            return AdminResult<RadiusClientSecret>.Fail(DirectoryErrors.NotFound);
        var secret = string.IsNullOrEmpty(typed) ? RadiusSharedSecret.Generate() : typed;
        FieldError? invalid = null;
        if (!RadiusSharedSecret.IsValid(secret))
            invalid = new FieldError("secret_invalid", "secret");
        else if (existing.Secrets.Count >= 2)
            invalid = new FieldError(RadiusClientErrors.RetireFirst);
        else if (existing.Secrets.Contains(secret, StringComparer.Ordinal))
            invalid = new FieldError(RadiusClientErrors.SecretReused, "secret");
        if (invalid is not null)
            return await RefusedAsync<RadiusClientSecret>(actor, AuditKinds.AdminRadiusClientSecretRotate, existing.Name, invalid, ct).ConfigureAwait(false);
        var rotated = existing with { Secrets = [secret, .. existing.Secrets.Take(1)] };
        await store.SaveAsync(rotated, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminRadiusClientSecretRotate, ct, clientId: existing.Name,
            detail: $"secrets={rotated.Secrets.Count};generated={string.IsNullOrEmpty(typed)}").ConfigureAwait(false);
        return AdminResult<RadiusClientSecret>.Ok(new RadiusClientSecret(rotated, secret));
    }

    /// <summary>Stops accepting the previous secret, once every gateway has the current one.</summary>
    public async Task<AdminResult<RadiusClientProfile>> RetirePreviousSecretAsync(AdminPrincipal actor, string name, CancellationToken ct)
    {
        if (await store.FindAsync(name, ct).ConfigureAwait(false) is not { } existing)
            return AdminResult<RadiusClientProfile>.Fail(DirectoryErrors.NotFound);
        if (existing.Secrets.Count < 2)
            return await RefusedAsync<RadiusClientProfile>(actor, AuditKinds.AdminRadiusClientSecretRetire, existing.Name, new FieldError(RadiusClientErrors.NoPreviousSecret), ct)
                .ConfigureAwait(false);
        var retired = existing with { Secrets = [existing.Secrets[0]] };
        await store.SaveAsync(retired, ct).ConfigureAwait(false);
        await audit.SucceededAsync(actor, AuditKinds.AdminRadiusClientSecretRetire, ct, clientId: existing.Name, detail: "secrets=1").ConfigureAwait(false);
        return AdminResult<RadiusClientProfile>.Ok(retired);
    }

    /// <summary>The profile the fields describe, or the first problem: the field (and line) it is in.</summary>
    private async Task<(RadiusClientProfile? Profile, FieldError? Invalid)> CheckAsync(RadiusClientFields fields, IReadOnlyList<string> secrets, CancellationToken ct)
    {
        var name = (fields.Name ?? "").Trim();
        if (fields.Unreadable is not null)
            return (null, fields.Unreadable);
        if (!RadiusClientTypes.All.Contains(fields.Type ?? ""))
            return (null, new FieldError(RadiusClientErrors.TypeInvalid, "type"));
        if ((fields.Description ?? "").Length > MaxDescriptionLength)
            return (null, new FieldError("description_too_long", "description"));
        var addresses = new List<string>();
        var nasLines = fields.NasAddresses ?? [];
        for (var i = 0; i < nasLines.Count; i++)
        {
            var entry = (nasLines[i] ?? "").Trim();
            if (entry.Length == 0)
                continue;
            if (!IPNetwork.TryParse(entry, out _) && !IPAddress.TryParse(entry, out _))
                return (null, new FieldError("nas_address_invalid", "nasAddresses", i + 1));
            addresses.Add(entry);
        }
        if (addresses.Count > MaxNasAddresses)
            return (null, new FieldError(RadiusClientErrors.TooManyNasAddresses, "nasAddresses"));
        if (!FirstFactorModes.TryParse(fields.FirstFactor, out var firstFactor))
            return (null, new FieldError("first_factor_invalid", "firstFactor"));
        var (rules, ruleProblem) = await ResolveRulesAsync(fields.GroupAttributes ?? [], ct).ConfigureAwait(false);
        if (ruleProblem is not null)
            return (null, ruleProblem);
        var ldapProfile = string.IsNullOrWhiteSpace(fields.LdapProfile) ? null : fields.LdapProfile.Trim();
        var profile = new RadiusClientProfile
        {
            Name = name,
            Type = fields.Type!,
            Description = (fields.Description ?? "").Trim(),
            Enabled = fields.Enabled,
            NasAddresses = addresses,
            FirstFactor = firstFactor,
            // Kept only where it applies: a directory client's stale LDAP name would reach the edges for nothing.
            LdapProfile = firstFactor == FirstFactorMode.Ldap ? ldapProfile : null,
            PushTimeout = TimeSpan.FromSeconds(fields.PushTimeoutSeconds),
            Challenges = fields.Challenges,
            NonLicensedAccess = fields.NonLicensedAccess,
            RequireMessageAuthenticator = fields.RequireMessageAuthenticator,
            LimitProxyState = fields.LimitProxyState,
            GroupAttributes = rules,
            Secrets = secrets,
        };
        var problems = _rules.Problems(profile);
        return problems.Count == 0 ? (profile, null) : (null, FieldOf(problems[0]));
    }

    private async Task<(IReadOnlyList<RadiusGroupAttributes> Rules, FieldError? Problem)> ResolveRulesAsync(IReadOnlyList<GroupRuleInput> inputs, CancellationToken ct)
    {
        if (inputs.Count == 0)
            return ([], null);
        if (inputs.Count > RadiusClientProfile.MaxGroupRules)
            return ([], new FieldError("group_attributes_invalid", "groupAttributes"));
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var group in directory.ListGroupsAsync(ct).ConfigureAwait(false))
            byName.TryAdd(group.Name, group.Id);
        var rules = new List<RadiusGroupAttributes>();
        foreach (var input in inputs)
        {
            var group = (input.Group ?? "").Trim();
            string id;
            if (group == RadiusGroupAttributes.Everyone || IsDistinguishedName(group))
                id = group;
            else if (byName.TryGetValue(group, out var found))
                id = found;
            else
                return ([], new FieldError(RadiusClientErrors.GroupNotFound, "groupAttributes", input.Line));
            var attributes = input.Attributes ?? [];
            if (attributes.Count is 0 or > RadiusClientProfile.MaxAttributesPerRule || attributes.Any(a => a is null))
                return ([], new FieldError("group_attributes_invalid", "groupAttributes", input.Line));
            if (attributes.FirstOrDefault(a => !_rules.Allows(a)) is not null)
                return ([], new FieldError(RadiusClientErrors.AttributeInvalid, "groupAttributes", input.Line));
            rules.Add(new RadiusGroupAttributes { Group = id, Attributes = [.. attributes] });
        }
        return (rules, null);
    }

    /// <summary>An LDAP group as the edge reports it ("CN=VPN Users,OU=Groups,DC=corp,DC=example"): kept as typed.</summary>
    private static bool IsDistinguishedName(string group)
    {
        var equals = group.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && group[..equals].All(char.IsAsciiLetterOrDigit);
    }

    private static FieldError FieldOf(string problem) => problem switch
    {
        "name_invalid" => new FieldError(RadiusClientErrors.NameInvalid, "name"),
        "nas_address_invalid" => new FieldError(problem, "nasAddresses"),
        "first_factor_invalid" => new FieldError(problem, "firstFactor"),
        "push_timeout_invalid" => new FieldError(problem, "pushTimeoutSeconds"),
        "secrets_invalid" => new FieldError("secret_invalid", "secret"),
        "ldap_profile_required" or "ldap_profile_invalid" => new FieldError(problem, "ldapProfile"),
        _ when problem.StartsWith("attribute_invalid", StringComparison.Ordinal) => new FieldError(RadiusClientErrors.AttributeInvalid, "groupAttributes"),
        _ => new FieldError("group_attributes_invalid", "groupAttributes"),
    };

    private async Task<AdminResult<T>> RefusedAsync<T>(AdminPrincipal actor, string kind, string name, FieldError invalid, CancellationToken ct)
    {
        // The name is the administrator's own input, bounded where every audit row is (TableAuditLog); never the secret.
        await audit.RecordAsync(actor, kind, AuditResults.Failure, invalid.Code, ct, clientId: name,
            detail: invalid.Field is null ? null : invalid.Field + (invalid.Line is { } line ? ":" + line : "")).ConfigureAwait(false);
        return AdminResult<T>.Fail(invalid);
    }

    private static string Summary(RadiusClientProfile p) =>
        $"type={p.Type};enabled={p.Enabled};nas={p.NasAddresses.Count};first_factor={p.FirstFactor.Name()};rules={p.GroupAttributes.Count};secrets={p.Secrets.Count}";
}

/// <summary>The reason codes of the remote access pages and API (their sentences are in <see cref="AdminMessages"/>).</summary>
public static class RadiusClientErrors
{
    public const string NameInvalid = "radius_client_name_invalid";
    public const string NameTaken = "radius_client_name_taken";
    public const string TypeInvalid = "radius_client_type_invalid";
    public const string TooManyNasAddresses = "too_many_nas_addresses";
    public const string GroupNotFound = "radius_group_not_found";
    public const string AttributeInvalid = "radius_attribute_invalid";
    public const string RetireFirst = "radius_secret_retire_first";
    public const string NoPreviousSecret = "radius_no_previous_secret";
    public const string SecretReused = "radius_secret_reused";
}
