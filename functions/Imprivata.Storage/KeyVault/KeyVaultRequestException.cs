namespace Imprivata.Storage.KeyVault;

/// <summary>
/// Key Vault refused or failed a request. The message names the operation, the HTTP status and Key Vault's error code only:
/// never the bearer token, the digest or the vault's free-text message.
/// </summary>
public sealed class KeyVaultRequestException : Exception
{
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

    public int Status { get; }
    public string? ErrorCode { get; }
    public TimeSpan? RetryAfter { get; }

    private static string Describe(string operation, string keyName, int status, string? errorCode, TimeSpan? retryAfter)
    {
        var hint = status switch
        {
            401 => " The service's identity could not authenticate to the vault.",
            403 => " The service's identity lacks the key permission this needs (get, list, sign, wrapKey, unwrapKey), or the key does not allow the operation.",
            404 => " The key or version does not exist.",
            429 => " The vault is throttling requests" + (retryAfter is { } r ? $"; retry after {r.TotalSeconds:0} s." : "."),
            >= 500 => " The vault failed; retry later.",
            _ => "",
        };
        var code = errorCode is null ? "" : $" (error code {errorCode})";
        return $"Key Vault answered {status} to {operation} of key '{keyName}'{code}.{hint}";
    }
}
