namespace Imprivata.Storage.OpenIddict;

/// <summary>An OpenIddict authorization (a user's consent to a client) stored in Azure Tables.</summary>
public sealed class TableAuthorization : ITableModel
{
    public string? Id { get; set; }
    /// <summary>The row's ETag when it was read; UpdateAsync and DeleteAsync are conditional on it.</summary>
    public string? ConcurrencyToken { get; set; }
    public string? ApplicationId { get; set; }
    public DateTimeOffset? CreationDate { get; set; }
    public string? Properties { get; set; }
    public string? Scopes { get; set; }
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }
}
