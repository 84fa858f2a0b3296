using OpenIddict.Abstractions;

namespace Imprivata.Functions.Oidc;

/// <summary>An API registered as an OAuth resource (RFC 8707): its absolute identifier URI and the name shown to administrators.</summary>
public sealed record ApiResource(string Uri, string DisplayName);

/// <summary>
/// The API resources clients may name with the resource parameter (RFC 8707 section 2), registered in the console. Each is
/// an OpenIddict scope entry whose resource is the API's URI (OpenIddict's own model of an API), stored in Tables.
/// </summary>
public sealed class ApiResources(IOpenIddictScopeManager scopes)
{
    /// <summary>The prefix of the scope entry's name: a resource entry never collides with a requestable scope like "openid".</summary>
    private const string NamePrefix = "resource:";

    public async Task<bool> IsRegisteredAsync(string uri, CancellationToken ct)
    {
        await foreach (var _ in scopes.FindByResourceAsync(uri, ct))
            return true;
        return false;
    }

    public async Task<IReadOnlyList<ApiResource>> ListAsync(CancellationToken ct)
    {
        var list = new List<ApiResource>();
        await foreach (var scope in scopes.ListAsync(null, null, ct))
        {
            if (await scopes.GetNameAsync(scope, ct) is not { } name || !name.StartsWith(NamePrefix, StringComparison.Ordinal))
                continue;
            list.Add(new ApiResource(name[NamePrefix.Length..], await scopes.GetDisplayNameAsync(scope, ct) ?? ""));
        }
        return [.. list.OrderBy(r => r.Uri, StringComparer.Ordinal)];
    }

    /// <summary>Registers an API; null when done, else why not (the identifier must be an absolute URI without a fragment, RFC 8707 2).</summary>
    public async Task<string?> AddAsync(string uri, string displayName, CancellationToken ct)
    {
        if (ValidationError(uri, displayName) is { } error)
            return error;
        if (await IsRegisteredAsync(uri, ct))
            return "an API with this identifier is already registered";
        var descriptor = new OpenIddictScopeDescriptor { Name = NamePrefix + uri, DisplayName = displayName.Trim() };
        descriptor.Resources.Add(uri);
        await scopes.CreateAsync(descriptor, ct);
        return null;
    }

    internal static string? ValidationError(string uri, string displayName)
    {
        // RFC 8707 section 2: an absolute URI, no fragment; https, as every token for it crosses the network.
        if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.IsFile || uri.Contains('#', StringComparison.Ordinal))
            return "the identifier must be an absolute URI without a fragment";
        if (parsed.Scheme != System.Uri.UriSchemeHttps && !parsed.Scheme.Equals("api", StringComparison.OrdinalIgnoreCase) && !parsed.Scheme.Equals("urn", StringComparison.OrdinalIgnoreCase))
            return "the identifier must be an https, api: or urn: URI";
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > 200)
            return "a display name of at most 200 characters is required";
        return null;
    }
}
