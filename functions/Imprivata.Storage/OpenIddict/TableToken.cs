namespace Imprivata.Storage.OpenIddict;

/// <summary>An OpenIddict token entry (authorization code, refresh token, reference access token...) stored in Azure Tables.</summary>
public sealed class TableToken : ITableModel
{
    public string? Id { get; set; }
    /// <summary>The row's ETag when it was read; UpdateAsync is conditional on it, which makes code redemption single-use.</summary>
    public string? ConcurrencyToken { get; set; }
    public string? ApplicationId { get; set; }
    public string? AuthorizationId { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public DateTimeOffset? ExpirationDate { get; set; }
    public string? Payload { get; set; }
    public string? Properties { get; set; }
    public DateTimeOffset? RedemptionDate { get; set; }
    /// <summary>The hash of the token value (OpenIddict obfuscates it before it reaches the store).</summary>
    public string? ReferenceId { get; set; }
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
    /// <summary>Handed out from <see cref="IssuedCodes"/> rather than read: a failed redemption must re-read to tell a replay.</summary>
    internal bool FromSnapshot { get; set; }
}
