using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Policies;
using Imprivata.Storage.Caching;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Policies;

/// <summary>
/// Policies in table "Policies": one partition per kind, one JSON document per row. Every login asks the policy engine,
/// so the three lists are cached in process for <see cref="CacheLifetime"/> and cleared by every save through this store.
/// </summary>
public sealed class TablePolicyStore(TableSet tables, TimeProvider time) : IPolicyStore
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const string Table = "Policies";
    private const string UserPolicies = "user-policy";
    private const string Rules = "enrollment-rule";
    private const string Workflow = "workflow";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private readonly ShortLivedCache<string, object> _cache = new(time, CacheLifetime, capacity: 8);

    public async Task<IReadOnlyList<UserPolicy>> ListUserPoliciesAsync(CancellationToken ct)
    {
        var list = await CachedListAsync<UserPolicy>(UserPolicies, ct).ConfigureAwait(false);
        var ordered = list.Where(p => !p.IsDefault).OrderBy(p => p.Order).ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();
        ordered.Add(list.FirstOrDefault(p => p.IsDefault) ?? UserPolicy.Default);
        return ordered;
    }

    public Task SaveUserPolicyAsync(UserPolicy policy, CancellationToken ct) =>
        SaveAsync(UserPolicies, policy.Id, policy.IsDefault ? policy with { Order = int.MaxValue } : policy, ct);

    public Task<bool> DeleteUserPolicyAsync(string id, CancellationToken ct) =>
        id == UserPolicy.DefaultId ? Task.FromResult(false) : DeleteAsync(UserPolicies, id, ct);

    public async Task<IReadOnlyList<EnrollmentRule>> ListEnrollmentRulesAsync(CancellationToken ct)
    {
        var list = await CachedListAsync<EnrollmentRule>(Rules, ct).ConfigureAwait(false);
        var ordered = list.Where(r => r.Id != EnrollmentRule.DefaultId).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
        ordered.Insert(0, list.FirstOrDefault(r => r.Id == EnrollmentRule.DefaultId) ?? EnrollmentRule.Default);
        return ordered;
    }

    public Task SaveEnrollmentRuleAsync(EnrollmentRule rule, CancellationToken ct) => SaveAsync(Rules, rule.Id, rule, ct);

    public Task<bool> DeleteEnrollmentRuleAsync(string id, CancellationToken ct) =>
        id == EnrollmentRule.DefaultId ? Task.FromResult(false) : DeleteAsync(Rules, id, ct);

    public async Task<WorkflowPolicy> GetWorkflowPolicyAsync(CancellationToken ct)
    {
        var list = await CachedListAsync<WorkflowPolicy>(Workflow, ct).ConfigureAwait(false);
        return list.FirstOrDefault() ?? new WorkflowPolicy();
    }

    public Task SaveWorkflowPolicyAsync(WorkflowPolicy policy, CancellationToken ct) => SaveAsync(Workflow, "current", policy, ct);

    private async Task<IReadOnlyList<T>> CachedListAsync<T>(string partition, CancellationToken ct)
    {
        if (_cache.TryGet(partition, out var cached))
            return (IReadOnlyList<T>)cached;
        var generation = _cache.Generation;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var list = new List<T>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.GetString("Json") is { } json && JsonSerializer.Deserialize<T>(json, Json) is { } item)
                list.Add(item);
        }
        _cache.Set(partition, list, generation);
        return list;
    }

    private async Task SaveAsync<T>(string partition, string id, T item, CancellationToken ct)
    {
        try
        {
            var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
            await table.UpsertEntityAsync(new TableEntity(partition, TableKey.Encode(id)) { ["Json"] = JsonSerializer.Serialize(item, Json) }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }
        finally
        {
            _cache.Clear();
        }
    }

    private async Task<bool> DeleteAsync(string partition, string id, CancellationToken ct)
    {
        try
        {
            var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
            // The SDK answers a missing entity with a 404 response rather than an exception.
            var response = await table.DeleteEntityAsync(partition, TableKey.Encode(id), ETag.All, ct).ConfigureAwait(false);
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e))
        {
            return false;
        }
        finally
        {
            _cache.Clear();
        }
    }
}
