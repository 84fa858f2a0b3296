namespace Imprivata.Storage.OpenIddict;

/// <summary>An OpenIddict scope stored in Azure Tables.</summary>
public sealed class TableScope : ITableModel
{
    public string? Id { get; set; }
    /// <summary>The row's ETag when it was read; UpdateAsync and DeleteAsync are conditional on it.</summary>
    public string? ConcurrencyToken { get; set; }
    public string? Description { get; set; }
    public string? Descriptions { get; set; }
    public string? DisplayName { get; set; }
    public string? DisplayNames { get; set; }
    public string? Name { get; set; }
    public string? Properties { get; set; }
    public string? Resources { get; set; }
}
