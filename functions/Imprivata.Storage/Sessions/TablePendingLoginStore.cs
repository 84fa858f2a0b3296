using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Sessions;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Sessions;

/// <summary>One row per pending login, partitioned by its random id.</summary>
public sealed class TablePendingLoginStore(TableSet tables) : IPendingLoginStore
{
    private const string Table = "PendingLogins";
    private const string Row = "p";

    public async Task<PendingLogin?> FindAsync(string id, CancellationToken ct)
    {
        if (!IsValidKey(id))
            return null;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(id, Row, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } row)
            return null;
        var completed = JsonSerializer.Deserialize<string[]>(row.GetString("Completed") ?? "[]") ?? [];
        return new PendingLogin
        {
            Id = id,
            UserId = row.GetString("UserId") ?? "",
            ReturnUrl = row.GetString("ReturnUrl"),
            ClientId = row.GetString("ClientId"),
            Completed = [.. completed.Select(n => FactorNames.TryParse(n, out var f) ? f : (Factor?)null).OfType<Factor>()],
            // A row without the column predates it: Web SSO, the only workflow then.
            Workflow = Enum.TryParse<WorkflowKind>(row.GetString("Workflow"), out var workflow) && Enum.IsDefined(workflow) ? workflow : WorkflowKind.WebSso,
            CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            ExpiresAt = row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
            State = JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString("State") ?? "{}") ?? [],
        };
    }

    public async Task SaveAsync(PendingLogin login, CancellationToken ct)
    {
        if (!IsValidKey(login.Id))
            throw new ArgumentException("Pending login id is not a valid key.", nameof(login));
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(login.Id, Row)
        {
            ["UserId"] = login.UserId,
            ["ReturnUrl"] = login.ReturnUrl,
            ["ClientId"] = login.ClientId,
            ["Completed"] = JsonSerializer.Serialize(login.Completed.Select(f => f.Name())),
            ["Workflow"] = login.Workflow.ToString(),
            ["CreatedAt"] = login.CreatedAt,
            ["ExpiresAt"] = login.ExpiresAt,
            ["State"] = JsonSerializer.Serialize(login.State),
        }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        if (!IsValidKey(id))
            return;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(id, Row, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e))
        {
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), ct).ConfigureAwait(false);
    }

    private static bool IsValidKey(string id) =>
        id.Length is >= 16 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
