using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Admin;

/// <summary>The first matches of a picker's search, and whether there were more than it shows.</summary>
public sealed record PickerResult<T>(string Query, IReadOnlyList<T> Found, bool More)
{
    public static PickerResult<T> None { get; } = new("", [], false);
}

/// <summary>
/// The server side of the console's user and group pickers: a directory of hundreds or thousands of entries is searched
/// (name contains the text, matches at the start first) and only the first <see cref="Limit"/> are rendered, instead of
/// one checkbox or option per entry. Plain forms, so pickers work without JavaScript.
/// </summary>
public sealed class DirectoryPicker(IDirectoryStore directory)
{
    public const int Limit = 20;
    public const int MaxQueryLength = 64;

    /// <summary>Users whose username or display name contains <paramref name="query"/> (all users when it is empty).</summary>
    public async Task<PickerResult<DirectoryUser>> UsersAsync(string? query, IReadOnlyCollection<string> exclude, CancellationToken ct)
    {
        var q = Clean(query);
        var found = new List<(int Rank, DirectoryUser User)>();
        await foreach (var user in directory.ListUsersAsync(ct).ConfigureAwait(false))
        {
            if (!exclude.Contains(user.Id) && Rank(q, user.Username, user.DisplayName) is { } rank)
                found.Add((rank, user));
        }
        var ordered = found.OrderBy(f => f.Rank).ThenBy(f => f.User.Username, StringComparer.OrdinalIgnoreCase).Select(f => f.User);
        return new PickerResult<DirectoryUser>(q, [.. ordered.Take(Limit)], found.Count > Limit);
    }

    /// <summary>Groups whose name contains <paramref name="query"/> (all groups when it is empty).</summary>
    public async Task<PickerResult<DirectoryGroup>> GroupsAsync(string? query, IReadOnlyCollection<string> exclude, CancellationToken ct)
    {
        var q = Clean(query);
        var found = new List<(int Rank, DirectoryGroup Group)>();
        await foreach (var group in directory.ListGroupsAsync(ct).ConfigureAwait(false))
        {
            if (!exclude.Contains(group.Id) && Rank(q, group.Name, null) is { } rank)
                found.Add((rank, group));
        }
        var ordered = found.OrderBy(f => f.Rank).ThenBy(f => f.Group.Name, StringComparer.OrdinalIgnoreCase).Select(f => f.Group);
        return new PickerResult<DirectoryGroup>(q, [.. ordered.Take(Limit)], found.Count > Limit);
    }

    /// <summary>The users behind these ids (the ones already chosen), by id; unknown ids are left out.</summary>
    public async Task<IReadOnlyDictionary<string, DirectoryUser>> UsersByIdAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var byId = new Dictionary<string, DirectoryUser>(StringComparer.Ordinal);
        if (wanted.Count <= Limit)
        {
            foreach (var id in wanted)
            {
                if (await directory.FindUserByIdAsync(id, ct).ConfigureAwait(false) is { } user)
                    byId[id] = user;
            }
            return byId;
        }
        await foreach (var user in directory.ListUsersAsync(ct).ConfigureAwait(false))
        {
            if (wanted.Contains(user.Id))
                byId[user.Id] = user;
        }
        return byId;
    }

    /// <summary>The groups behind these ids, by id; unknown ids are left out.</summary>
    public async Task<IReadOnlyDictionary<string, DirectoryGroup>> GroupsByIdAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var byId = new Dictionary<string, DirectoryGroup>(StringComparer.Ordinal);
        if (wanted.Count <= Limit)
        {
            foreach (var id in wanted)
            {
                if (await directory.FindGroupByIdAsync(id, ct).ConfigureAwait(false) is { } group)
                    byId[id] = group;
            }
            return byId;
        }
        await foreach (var group in directory.ListGroupsAsync(ct).ConfigureAwait(false))
        {
            if (wanted.Contains(group.Id))
                byId[group.Id] = group;
        }
        return byId;
    }

    private static string Clean(string? query)
    {
        var q = query?.Trim() ?? "";
        return q.Length > MaxQueryLength ? q[..MaxQueryLength] : q;
    }

    /// <summary>0: a name is the text; 1: a name starts with it; 2: a name contains it; null: no match.</summary>
    private static int? Rank(string query, string name, string? otherName)
    {
        if (query.Length == 0)
            return 0;
        int? best = null;
        foreach (var candidate in new[] { name, otherName })
        {
            if (string.IsNullOrEmpty(candidate))
                continue;
            int? rank = candidate.Equals(query, StringComparison.OrdinalIgnoreCase) ? 0
                : candidate.StartsWith(query, StringComparison.OrdinalIgnoreCase) ? 1
                : candidate.Contains(query, StringComparison.OrdinalIgnoreCase) ? 2
                : null;
            if (rank < (best ?? int.MaxValue))
                best = rank;
        }
        return best;
    }
}
