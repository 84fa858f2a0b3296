namespace Imprivata.Storage.OpenIddict;

/// <summary>An OpenIddict application (OAuth client) stored in Azure Tables; collections are JSON strings.</summary>
public sealed class TableApplication : ITableModel
{
    public string? Id { get; set; }
    /// <summary>The row's ETag when it was read; UpdateAsync and DeleteAsync are conditional on it.</summary>
    public string? ConcurrencyToken { get; set; }
    public string? ApplicationType { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string? ClientType { get; set; }
    public string? ConsentType { get; set; }
    public string? DisplayName { get; set; }
    public string? DisplayNames { get; set; }
    public string? JsonWebKeySet { get; set; }
    public string? Permissions { get; set; }
    public string? PostLogoutRedirectUris { get; set; }
    public string? Properties { get; set; }
    public string? RedirectUris { get; set; }
    public string? Requirements { get; set; }
    public string? Settings { get; set; }

    /// <summary>A shallow copy (every property is an immutable string): cached applications are never handed out themselves.</summary>
    internal TableApplication Copy() => (TableApplication)MemberwiseClone();
}
