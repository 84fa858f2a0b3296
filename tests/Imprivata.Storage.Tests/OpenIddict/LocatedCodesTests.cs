using Azure.Data.Tables;
using Imprivata.Storage.OpenIddict;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Storage.Tests.OpenIddict;

/// <summary>Authorization codes that name their own row: no reference index entry, found by id, only with the whole code.</summary>
public sealed class LocatedCodesTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TableSet _tables = new(Azurite.NewTables());
    private readonly ServiceProvider _issuer;
    // Another instance over the same tables: nothing of the issuer's memory helps it.
    private readonly ServiceProvider _elsewhere;

    public LocatedCodesTests()
    {
        _issuer = Instance(_tables);
        _elsewhere = Instance(_tables);
    }

    private static ServiceProvider Instance(TableSet tables)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(tables);
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(OidcTables.Now));
        services.AddOpenIddict().AddCore(options => options.UseTableStores());
        return services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>As OpenIddict issues a code: the entry, then the reference id and payload; returns the row id and what the client gets.</summary>
    private async Task<(string Id, string Code)> IssueAsync(string random = "b3BlbmlkZGljdC1yYW5kb20tMjU2LWJpdHMtb2YtY29kZQ")
    {
        using var scope = _issuer.CreateScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var entry = await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            AuthorizationId = Guid.NewGuid().ToString("N"), Subject = "alice", Status = Statuses.Valid, Type = TokenTypeIdentifiers.Private.AuthorizationCode,
            CreationDate = OidcTables.Now, ExpirationDate = OidcTables.Now.AddMinutes(1),
        }, Ct);
        var descriptor = new OpenIddictTokenDescriptor();
        await tokens.PopulateAsync(descriptor, entry, Ct);
        descriptor.ReferenceId = random;
        descriptor.Payload = "payload";
        await tokens.UpdateAsync(entry, descriptor, Ct);
        return (((TableToken)entry).Id!, descriptor.ReferenceId!);
    }

    private async Task<TableToken?> FindElsewhereAsync(string code)
    {
        using var scope = _elsewhere.CreateScope();
        return (TableToken?)await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().FindByReferenceIdAsync(code, Ct);
    }

    private async Task<int> IndexRowsAsync()
    {
        var index = await _tables.GetAsync("OidcTokenIndex", Ct);
        var count = 0;
        await foreach (var _ in index.QueryAsync<TableEntity>(cancellationToken: Ct))
            count++;
        return count;
    }

    [Fact]
    public async Task IssuedCode_NamesItsRow_AndWritesNoIndexEntry()
    {
        var (id, code) = await IssueAsync();

        Assert.Equal(id + "~b3BlbmlkZGljdC1yYW5kb20tMjU2LWJpdHMtb2YtY29kZQ", code);
        Assert.Equal(0, await IndexRowsAsync());
    }

    [Fact]
    public async Task LocatedCode_FoundOnAnotherInstanceByItsId()
    {
        var (id, code) = await IssueAsync();

        var found = await FindElsewhereAsync(code);

        Assert.Equal(id, found?.Id);
        Assert.False(found!.FromSnapshot);
        Assert.Equal("payload", found.Payload);
    }

    [Fact]
    public async Task RightRowWrongRandom_NotFound()
    {
        var (id, _) = await IssueAsync();

        Assert.Null(await FindElsewhereAsync(id + "~b3BlbmlkZGljdC1yYW5kb20tMjU2LWJpdHMtb2YtY29kZR"));
        Assert.Null(await FindElsewhereAsync(id + "~"));
    }

    [Fact]
    public async Task RandomOfOneCodeWithTheRowOfAnother_NotFound()
    {
        var (_, first) = await IssueAsync("Zmlyc3QtY29kZS1yYW5kb20tcGFydC1vZi0yNTYtYml0cw");
        var (otherId, _) = await IssueAsync("c2Vjb25kLWNvZGUtcmFuZG9tLXBhcnQtb2YtMjU2LWJpdHM");

        Assert.Null(await FindElsewhereAsync(otherId + first[first.IndexOf('~')..]));
    }

    [Fact]
    public async Task StoredReferenceId_IsAMarkedHashOfTheWholeCode_NeverTheCode()
    {
        var (id, code) = await IssueAsync();
        using var scope = _elsewhere.CreateScope();
        var row = (TableToken?)await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().FindByIdAsync(id, Ct);

        Assert.StartsWith("~", row!.ReferenceId);
        Assert.DoesNotContain("b3BlbmlkZGljdC1yYW5kb20", row.ReferenceId);
        Assert.Equal(id, (await FindElsewhereAsync(code))?.Id);
    }

    public void Dispose()
    {
        _issuer.Dispose();
        _elsewhere.Dispose();
    }
}
