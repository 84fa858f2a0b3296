namespace Imprivata.Storage.OpenIddict;

/// <summary>What every stored OpenIddict entity has: its row key and the ETag it was read with.</summary>
internal interface ITableModel
{
    string? Id { get; set; }
    string? ConcurrencyToken { get; set; }
}
