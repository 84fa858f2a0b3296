using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Tables;

public sealed class TableSetTests
{
    [Fact]
    public void TableServiceUri_Set_WinsOverConnectionString()
    {
        // In Azure the app reaches Tables with its managed identity; no account key is configured.
        var tables = new TableSet(new TableStorageOptions
        {
            ConnectionString = "UseDevelopmentStorage=true",
            TableServiceUri = new Uri("https://contoso.table.core.windows.net/"),
        });
        Assert.Equal("contoso", tables.Service.AccountName);
    }

    [Fact]
    public void ConnectionString_WithoutServiceUri_IsUsed()
    {
        var tables = new TableSet(new TableStorageOptions { ConnectionString = "UseDevelopmentStorage=true" });
        Assert.Equal("devstoreaccount1", tables.Service.AccountName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("ab-c")]
    public void TablePrefix_NotLettersAndDigits_Refused(string prefix) =>
        Assert.Throws<ArgumentException>(() => new TableSet(new TableStorageOptions { TablePrefix = prefix }));
}
