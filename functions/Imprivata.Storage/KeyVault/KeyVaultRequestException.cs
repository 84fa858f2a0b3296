using Azure;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// Key Vault refused or failed a request. The message names the operation, the HTTP status and Key Vault's error code only:
/// never the bearer token, the digest or the vault's free-text message. The SDK's <see cref="RequestFailedException"/> is not
/// kept as the inner exception because its message repeats the vault's response body.
/// </summary>
public sealed class KeyVaultRequestException : Exception
{
    public KeyVaultRequestException(string operation, string keyName, RequestFailedException failure)
        : this(operation, keyName, failure.Status, CodeOf(failure.ErrorCode), RetryAfterOf(failure.GetRawResponse()))
    {
    }

    public KeyVaultRequestException(string operation, string keyName, int status, string? errorCode, TimeSpan? retryAfter)
        : base(Describe(operation, keyName, status, errorCode, retryAfter))
    {
        Status = status;
        ErrorCode = errorCode;
        RetryAfter = retryAfter;
    }

    public KeyVaultRequestException(string message) : base(message)
    {
    }

    /// <summary>The HTTP status; 0 when the vault could not be reached.</summary>
    public int Status { get; }
    public string? ErrorCode { get; }
    public TimeSpan? RetryAfter { get; }

    /// <summary>Runs one call of the SDK and turns its failure into this exception.</summary>
    internal static async Task<T> OnFailureAsync<T>(string operation, string keyName, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw new KeyVaultRequestException(operation, keyName, e);
        }
    }

    /// <summary>Key Vault's error codes are words ("Forbidden", "KeyNotFound"); anything else is not repeated.</summary>
    private static string? CodeOf(string? code) =>
        code is { Length: > 0 and <= 64 } && code.All(char.IsAsciiLetterOrDigit) ? code : null;

    private static TimeSpan? RetryAfterOf(Response? response) =>
        response is not null && response.Headers.TryGetValue("Retry-After", out var value) && int.TryParse(value, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static string Describe(string operation, string keyName, int status, string? errorCode, TimeSpan? retryAfter)
    {
        var hint = status switch
        {
            0 => " The vault could not be reached (network, DNS or TLS).",
            401 => " The service's identity could not authenticate to the vault.",
            403 => " The service's identity lacks the key permission this needs (get, list, sign, wrapKey, unwrapKey), or the key does not allow the operation.",
            404 => " The key or version does not exist.",
            429 => " The vault is throttling requests" + (retryAfter is { } r ? $"; retry after {r.TotalSeconds:0} s." : "."),
            >= 500 => " The vault failed; retry later.",
            _ => "",
        };
        var code = errorCode is null ? "" : $" (error code {errorCode})";
        return status == 0
            ? $"Key Vault did not answer {operation} of key '{keyName}'.{hint}"
            : $"Key Vault answered {status} to {operation} of key '{keyName}'{code}.{hint}";
    }
}
