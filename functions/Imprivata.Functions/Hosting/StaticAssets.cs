using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// Every stylesheet and script of the app, served one way: embedded in the assembly beside its feature (logical name
/// <c>assets/&lt;file&gt;</c>, see the project file) and answered at <c>/assets/&lt;file&gt;</c> with an ETag, so the
/// console, the login, the approver and WebAuthn pages need no content root in either hosting mode.
/// </summary>
public static class StaticAssets
{
    public const string PathPrefix = "/assets/";
    private const string ResourcePrefix = "assets/";

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);

    private static readonly Lazy<FrozenDictionary<string, Asset>> All = new(Load);

    /// <summary>The file names served (for tests and diagnostics).</summary>
    public static IReadOnlyCollection<string> Names => All.Value.Keys;

    public static void MapEmbeddedAssets(this IEndpointRouteBuilder app) =>
        app.MapMethods(PathPrefix + "{name}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http, string name) =>
        {
            if (!All.Value.TryGetValue(name, out var asset))
                return Results.NotFound();
            var headers = http.Response.Headers;
            headers.ETag = asset.ETag;
            // Short: a deployment changes the bytes under the same name; the ETag makes revalidation cheap.
            headers.CacheControl = "public, max-age=300";
            headers.XContentTypeOptions = "nosniff";
            if (http.Request.Headers.IfNoneMatch.Contains(asset.ETag))
                return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(asset.Bytes, asset.ContentType);
        }).ShortCircuit();

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[ResourcePrefix.Length..];
            assets[name] = new Asset(bytes, ContentTypeOf(name), "\"" + Convert.ToHexString(SHA256.HashData(bytes), 0, 16) + "\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        _ => throw new InvalidOperationException("No content type for embedded asset " + name),
    };
}
