using Imprivata.Core.UserDirectory;
using Imprivata.Testing.Radius;

namespace Imprivata.Benchmarks.Radius;

/// <summary>
/// Seeds many users licensed for remote access, all with <see cref="RadiusBackend.Password"/>: the first through the
/// directory as the console creates one (its Argon2id hash), the rest written to the store as copies with that same hash,
/// so seeding costs table writes rather than a hash each (on two shared cores, over a minute for 1,400 users).
/// </summary>
public static class SeededUsers
{
    public static async Task<DirectoryUser[]> AddAsync(RadiusBackend backend, IReadOnlyList<string> usernames)
    {
        var first = await backend.AddUserAsync(usernames[0]);
        var store = backend.Get<IDirectoryStore>();
        var users = new DirectoryUser[usernames.Count];
        users[0] = first;
        await Parallel.ForEachAsync(Enumerable.Range(1, usernames.Count - 1), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var name = usernames[i];
            var user = first with { Id = DirectoryService.NewId(), Username = name, DisplayName = name + " Example", Email = name + "@example.org" };
            if (!await store.CreateUserAsync(user, ct))
                throw new InvalidOperationException("user not created: " + name);
            users[i] = user;
        });
        return users;
    }
}
