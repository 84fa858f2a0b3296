using Imprivata.Storage.OpenIddict;
using static OpenIddict.Abstractions.OpenIddictExceptions;

namespace Imprivata.Storage.Tests.OpenIddict;

public sealed class TableTokenStoreTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OidcTables _oidc = new();

    [Fact]
    public async Task FindByIdAsync_AfterCreate_ReturnsStoredValues()
    {
        var created = await _oidc.NewTokenAsync(authorizationId: "auth1", referenceId: "ref1");
        created.Properties = null;

        var found = await _oidc.Tokens.FindByIdAsync(created.Id!, Ct);

        Assert.NotNull(found);
        Assert.Equal(("app1", "auth1", "alice", "valid", "ref1"), (found.ApplicationId, found.AuthorizationId, found.Subject, found.Status, found.ReferenceId));
        Assert.Equal(OidcTables.Now, found.CreationDate);
        Assert.Equal(OidcTables.Now.AddMinutes(5), found.ExpirationDate);
        Assert.False(string.IsNullOrEmpty(found.ConcurrencyToken));
    }

    [Fact]
    public async Task FindByIdAsync_IdentifierWithForbiddenKeyCharacters_ReturnsNull()
    {
        Assert.Null(await _oidc.Tokens.FindByIdAsync("a/b#c", Ct));
    }

    [Fact]
    public async Task FindByReferenceIdAsync_ReferenceSetByUpdate_FindsToken()
    {
        var token = await _oidc.NewTokenAsync();
        // OpenIddict stores base64 SHA-256 hashes of token values: '/' and '+' are not valid in Azure Table keys.
        token.ReferenceId = "q8/Zx+0tY1Zk3vPcR0Jx4mFu7m6nSg2gq0bH8bW2w+Y=";
        await _oidc.Tokens.UpdateAsync(token, Ct);

        var found = await _oidc.Tokens.FindByReferenceIdAsync("q8/Zx+0tY1Zk3vPcR0Jx4mFu7m6nSg2gq0bH8bW2w+Y=", Ct);

        Assert.Equal(token.Id, found?.Id);
    }

    [Fact]
    public async Task FindByReferenceIdAsync_ReferenceReplaced_OldReferenceFindsNothing()
    {
        var token = await _oidc.NewTokenAsync(referenceId: "old");
        token.ReferenceId = "new";
        await _oidc.Tokens.UpdateAsync(token, Ct);

        Assert.Null(await _oidc.Tokens.FindByReferenceIdAsync("old", Ct));
        Assert.Equal(token.Id, (await _oidc.Tokens.FindByReferenceIdAsync("new", Ct))?.Id);
    }

    [Fact]
    public async Task UpdateAsync_TwoConcurrentRedemptionsOfOneRead_ExactlyOneSucceeds()
    {
        var token = await _oidc.NewTokenAsync(referenceId: "code");
        var first = (await _oidc.Tokens.FindByReferenceIdAsync("code", Ct))!;
        var second = (await _oidc.Tokens.FindByReferenceIdAsync("code", Ct))!;
        first.Status = second.Status = "redeemed";

        var outcomes = await Task.WhenAll(Attempt(first), Attempt(second));

        Assert.Equal(1, outcomes.Count(succeeded => succeeded));
        Assert.Equal("redeemed", (await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!.Status);

        async Task<bool> Attempt(TableToken copy)
        {
            try
            {
                await _oidc.Tokens.UpdateAsync(copy, Ct);
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task UpdateAsync_EntityReadBeforeAnotherUpdate_ThrowsConcurrencyException()
    {
        var token = await _oidc.NewTokenAsync();
        var stale = (await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!;
        token.Status = "redeemed";
        await _oidc.Tokens.UpdateAsync(token, Ct);

        stale.Status = "revoked";

        await Assert.ThrowsAsync<ConcurrencyException>(() => _oidc.Tokens.UpdateAsync(stale, Ct).AsTask());
    }

    [Fact]
    public async Task UpdateAsync_AfterSuccess_EntityCanBeUpdatedAgain()
    {
        var token = await _oidc.NewTokenAsync();
        token.Status = "redeemed";
        await _oidc.Tokens.UpdateAsync(token, Ct);
        token.Status = "revoked";

        await _oidc.Tokens.UpdateAsync(token, Ct);

        Assert.Equal("revoked", (await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!.Status);
    }

    [Fact]
    public async Task UpdateAsync_StatusAndDateOnly_KeepsTheRestOfTheRow()
    {
        // Sent as a merge of the changed columns (OidcRoundTripTests sees the verb): the long payload must survive it.
        var payload = string.Concat(Enumerable.Repeat("0123456789", 10_000));
        var token = new TableToken { Payload = payload, Status = "valid", Subject = "alice", Properties = "{\"x\":1}" };
        await _oidc.Tokens.CreateAsync(token, Ct);
        var read = (await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!;
        read.Status = "redeemed";
        read.RedemptionDate = OidcTables.Now;

        await _oidc.Tokens.UpdateAsync(read, Ct);

        var after = (await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!;
        Assert.Equal(("redeemed", OidcTables.Now, payload, "alice", "{\"x\":1}"), (after.Status, after.RedemptionDate, after.Payload, after.Subject, after.Properties));
    }

    [Fact]
    public async Task UpdateAsync_ColumnClearedOrShortened_LeavesNothingOfTheOldValue()
    {
        // A merge cannot remove a column: these updates must replace the row.
        var token = new TableToken { Payload = string.Concat(Enumerable.Repeat("0123456789", 10_000)), Status = "valid", Subject = "alice" };
        await _oidc.Tokens.CreateAsync(token, Ct);
        token.Payload = "short";
        await _oidc.Tokens.UpdateAsync(token, Ct);
        Assert.Equal("short", (await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!.Payload);

        var read = (await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!;
        read.Subject = null;
        await _oidc.Tokens.UpdateAsync(read, Ct);
        Assert.Null((await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!.Subject);
    }

    [Fact]
    public async Task DeleteAsync_Token_IsGoneByIdAndByReference()
    {
        var token = await _oidc.NewTokenAsync(referenceId: "gone");

        await _oidc.Tokens.DeleteAsync(token, Ct);

        Assert.Null(await _oidc.Tokens.FindByIdAsync(token.Id!, Ct));
        Assert.Null(await _oidc.Tokens.FindByReferenceIdAsync("gone", Ct));
    }

    [Fact]
    public async Task CreateAsync_PayloadOverOneStringProperty_RoundTrips()
    {
        var payload = string.Concat(Enumerable.Repeat("0123456789", 10_000)); // 100,000 chars: three 64 KiB properties
        var token = new TableToken { Payload = payload, Status = "valid" };
        await _oidc.Tokens.CreateAsync(token, Ct);

        Assert.Equal(payload, (await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!.Payload);
    }

    [Fact]
    public async Task CreateAsync_PayloadOverOneMebibyte_Throws()
    {
        var token = new TableToken { Payload = new string('x', 600_000) };

        await Assert.ThrowsAsync<InvalidOperationException>(() => _oidc.Tokens.CreateAsync(token, Ct).AsTask());
    }

    [Fact]
    public async Task FindAsync_SubjectAndClient_ReturnsOnlyThatClientsTokens()
    {
        var mine = await _oidc.NewTokenAsync(applicationId: "app1");
        await _oidc.NewTokenAsync(applicationId: "app2");
        await _oidc.NewTokenAsync(subject: "bob", applicationId: "app1");

        var found = await _oidc.Tokens.FindAsync("alice", "app1", null, null, Ct).ToListAsync();

        Assert.Equal([mine.Id], found.Select(t => t.Id));
    }

    [Fact]
    public async Task FindByApplicationIdAsync_ManyTokens_FindsAllAcrossShards()
    {
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
            ids.Add((await _oidc.NewTokenAsync(subject: "u" + i, applicationId: "busy")).Id!);

        var found = await _oidc.Tokens.FindByApplicationIdAsync("busy", Ct).Select(t => t.Id!).ToListAsync();

        Assert.Equal(ids.Order(), found.Order());
    }

    [Fact]
    public async Task RevokeByAuthorizationIdAsync_AuthorizationWithTokens_RevokesAllItsTokensOnly()
    {
        var a = await _oidc.NewTokenAsync(authorizationId: "auth1");
        var b = await _oidc.NewTokenAsync(authorizationId: "auth1", status: "redeemed");
        var other = await _oidc.NewTokenAsync(authorizationId: "auth2");

        var count = await _oidc.Tokens.RevokeByAuthorizationIdAsync("auth1", Ct);

        Assert.Equal(2, count);
        Assert.Equal("revoked", (await _oidc.Tokens.FindByIdAsync(a.Id!, Ct))!.Status);
        Assert.Equal("revoked", (await _oidc.Tokens.FindByIdAsync(b.Id!, Ct))!.Status);
        Assert.Equal("valid", (await _oidc.Tokens.FindByIdAsync(other.Id!, Ct))!.Status);
    }

    [Fact]
    public async Task RevokeBySubjectAsync_Subject_RevokesOnlyThatSubjectsTokens()
    {
        var alice = await _oidc.NewTokenAsync(subject: "alice");
        var bob = await _oidc.NewTokenAsync(subject: "bob");

        await _oidc.Tokens.RevokeBySubjectAsync("alice", Ct);

        Assert.Equal("revoked", (await _oidc.Tokens.FindByIdAsync(alice.Id!, Ct))!.Status);
        Assert.Equal("valid", (await _oidc.Tokens.FindByIdAsync(bob.Id!, Ct))!.Status);
    }

    [Fact]
    public async Task PruneAsync_OldTokens_RemovesExpiredAndInvalidKeepsValidAndRecent()
    {
        var old = OidcTables.Now.AddDays(-20);
        var threshold = OidcTables.Now.AddDays(-14);
        var expired = await _oidc.NewTokenAsync(created: old, expires: old.AddMinutes(5));
        var redeemed = await _oidc.NewTokenAsync(created: old, expires: OidcTables.Now.AddDays(30), status: "redeemed");
        var revokedAuthorization = await _oidc.NewAuthorizationAsync(status: "revoked", created: old);
        var ofRevokedAuthorization = await _oidc.NewTokenAsync(authorizationId: revokedAuthorization.Id, created: old, expires: OidcTables.Now.AddDays(30));
        var validOld = await _oidc.NewTokenAsync(created: old, expires: OidcTables.Now.AddDays(30), referenceId: "kept");
        var recentExpired = await _oidc.NewTokenAsync(created: OidcTables.Now.AddDays(-1), expires: OidcTables.Now.AddDays(-1));

        var removed = await _oidc.Tokens.PruneAsync(threshold, Ct);

        Assert.Equal(3, removed);
        Assert.Null(await _oidc.Tokens.FindByIdAsync(expired.Id!, Ct));
        Assert.Null(await _oidc.Tokens.FindByIdAsync(redeemed.Id!, Ct));
        Assert.Null(await _oidc.Tokens.FindByIdAsync(ofRevokedAuthorization.Id!, Ct));
        Assert.NotNull(await _oidc.Tokens.FindByIdAsync(validOld.Id!, Ct));
        Assert.NotNull(await _oidc.Tokens.FindByReferenceIdAsync("kept", Ct));
        Assert.NotNull(await _oidc.Tokens.FindByIdAsync(recentExpired.Id!, Ct));
    }

    [Fact]
    public async Task RevokeAsync_SubjectClientAndType_RevokesOnlyMatchingTokens()
    {
        var match = await _oidc.NewTokenAsync(applicationId: "app1");
        var otherClient = await _oidc.NewTokenAsync(applicationId: "app2");
        var otherType = await _oidc.NewTokenAsync(applicationId: "app1");
        otherType.Type = "refresh_token";
        await _oidc.Tokens.UpdateAsync(otherType, Ct);

        Assert.Equal(1, await _oidc.Tokens.RevokeAsync("alice", "app1", null, "authorization_code", Ct));

        Assert.Equal("revoked", (await _oidc.Tokens.FindByIdAsync(match.Id!, Ct))!.Status);
        Assert.Equal("valid", (await _oidc.Tokens.FindByIdAsync(otherClient.Id!, Ct))!.Status);
        Assert.Equal("valid", (await _oidc.Tokens.FindByIdAsync(otherType.Id!, Ct))!.Status);
    }

    [Fact]
    public async Task CreateAsync_ExistingIdentifier_Throws()
    {
        var token = await _oidc.NewTokenAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _oidc.Tokens.CreateAsync(new TableToken { Id = token.Id }, Ct).AsTask());
    }

    [Fact]
    public async Task FindByReferenceIdAsync_RedeemedThroughAnotherStoreInstance_ReturnsFreshRow()
    {
        await _oidc.NewTokenAsync(referenceId: "remembered");
        var other = new TableTokenStore(_oidc.Tables, _oidc.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<TableTokenStore>.Instance);
        var theirs = (await other.FindByReferenceIdAsync("remembered", Ct))!;
        theirs.Status = "redeemed";
        await other.UpdateAsync(theirs, Ct);

        var ours = await _oidc.Tokens.FindByReferenceIdAsync("remembered", Ct);

        Assert.Equal("redeemed", ours!.Status);
        Assert.Equal(theirs.ConcurrencyToken, ours.ConcurrencyToken);
    }

    [Fact]
    public async Task CreateAsync_TokenOfAnAuthorization_LivesInItsPartitionAndNeedsNoIndexEntry()
    {
        var token = await _oidc.NewTokenAsync(authorizationId: "auth1");

        Assert.StartsWith("auth1.", token.Id);
        var table = await _oidc.Tables.GetAsync(TokenMap.Instance.TableName, Ct);
        Assert.True((await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("auth1", token.Id!["auth1.".Length..], cancellationToken: Ct)).HasValue);
        var index = await _oidc.Tables.GetAsync(TokenMap.Instance.IndexTableName, Ct);
        Assert.Empty(await index.QueryAsync<Azure.Data.Tables.TableEntity>(cancellationToken: Ct).ToListAsync(Ct));
        Assert.Equal("auth1", (await _oidc.Tokens.FindByIdAsync(token.Id!, Ct))!.AuthorizationId);
    }

    [Fact]
    public async Task RevokeByAuthorizationIdAsync_TokenIndexedBeforeTheMoveToItsAuthorizationsPartition_IsRevokedToo()
    {
        // A row as written before tokens moved into their authorization's partition: own partition, "auth-" index entry.
        var legacy = new TableToken { Id = Guid.NewGuid().ToString("N"), AuthorizationId = "auth1", Subject = "alice", Status = "valid", Type = "refresh_token" };
        var table = await _oidc.Tables.GetAsync(TokenMap.Instance.TableName, Ct);
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity(legacy.Id, "")
        {
            [nameof(TableToken.AuthorizationId)] = "auth1", [nameof(TableToken.Status)] = "valid", [nameof(TableToken.Type)] = "refresh_token",
        }, Ct);
        var index = await _oidc.Tables.GetAsync(TokenMap.Instance.IndexTableName, Ct);
        await index.AddEntityAsync(new Azure.Data.Tables.TableEntity(IndexEntry.Partition(TokenMap.LegacyAuthorizationKind, "auth1"), legacy.Id)
        {
            ["TargetId"] = legacy.Id,
        }, Ct);
        var current = await _oidc.NewTokenAsync(authorizationId: "auth1");

        Assert.Equal(2, await _oidc.Tokens.RevokeByAuthorizationIdAsync("auth1", Ct));
        Assert.Equal("revoked", (await _oidc.Tokens.FindByIdAsync(legacy.Id, Ct))!.Status);
        Assert.Equal("revoked", (await _oidc.Tokens.FindByIdAsync(current.Id!, Ct))!.Status);
    }
}
