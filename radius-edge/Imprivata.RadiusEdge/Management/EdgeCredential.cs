using System.Text.Json;

namespace Imprivata.RadiusEdge.Management;

/// <summary>What a connected edge keeps in its <c>CredentialFile</c>: where the console is and the credential it calls with.</summary>
public sealed record EdgeCredential(string Url, string IntegrationId, string EdgeId, string Credential)
{
    // The credential is deliberately left out of the generated ToString (never logged).
    public override string ToString() => $"edge {EdgeId} at {Url}";

    public Uri BaseUri => new(Url.EndsWith('/') ? Url : Url + "/");

    /// <summary>The credential file, or null when the edge is not connected (no file, or one that cannot be read).</summary>
    public static EdgeCredential? Read(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            var credential = JsonSerializer.Deserialize<EdgeCredential>(File.ReadAllText(path), ManagementContract.Json);
            // The credential goes with every call: a file edited to a plain http URL off this machine is not used.
            return credential is { Url.Length: > 0, Credential.Length: > 0, EdgeId.Length: > 0 } &&
                   Uri.TryCreate(credential.Url, UriKind.Absolute, out var url) && EdgeToken.IsAllowed(url)
                ? credential
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Write(string path) => PrivateFile.Write(path, JsonSerializer.Serialize(this, ManagementContract.Json));
}
