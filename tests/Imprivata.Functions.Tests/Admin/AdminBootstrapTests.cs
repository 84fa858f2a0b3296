using Imprivata.Core.UserDirectory;
using Imprivata.Core.Passwords;
using Imprivata.Functions.Admin;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imprivata.Functions.Tests.Admin;

public sealed class AdminBootstrapTests
{
    private readonly TableDirectoryStore _store = new(new TableSet(Azurite.NewTables()));
    private readonly PasswordHasher _hasher = new();
    private readonly DirectoryService _users;
    private readonly AdminBootstrap _bootstrap;

    public AdminBootstrapTests()
    {
        _users = new DirectoryService(_store, _hasher, TimeProvider.System);
        _bootstrap = new AdminBootstrap(_store, _users, NullLogger<AdminBootstrap>.Instance);
    }

    [Fact]
    public async Task Ensure_NoSuperadmin_CreatesBreakGlassWithReturnedPassword()
    {
        var password = await _bootstrap.EnsureBreakGlassAsync(default);
        Assert.NotNull(password);
        Assert.True(password.Length >= 20);
        var user = await _store.FindUserByUsernameAsync("breakglass", default);
        Assert.Equal(AdminRole.Superadmin, user!.AdminRole);
        Assert.True(_hasher.Verify(password, user.PasswordHash));
        Assert.Null(await _bootstrap.EnsureBreakGlassAsync(default));
    }

    [Fact]
    public async Task Ensure_SuperadminExists_DoesNothing()
    {
        await _users.CreateUserAsync(new UserFields { Username = "boss", AdminRole = AdminRole.Superadmin }, "a long enough password", default);
        Assert.Null(await _bootstrap.EnsureBreakGlassAsync(default));
        Assert.Null(await _store.FindUserByUsernameAsync("breakglass", default));
    }

    [Fact]
    public async Task Ensure_BreakGlassDisabled_ReenablesWithNewPassword()
    {
        await _bootstrap.EnsureBreakGlassAsync(default);
        var user = await _store.FindUserByUsernameAsync("breakglass", default);
        await _users.SetEnabledAsync(user!.Id, false, default);
        var password = await _bootstrap.EnsureBreakGlassAsync(default);
        user = await _store.FindUserByUsernameAsync("breakglass", default);
        Assert.True(user!.Enabled);
        Assert.True(_hasher.Verify(password!, user.PasswordHash));
    }
}
