using Imprivata.Storage.Sessions;
using Imprivata.Core.Sessions;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Passwords;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Infrastructure;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Functions.Tests.Admin;

public sealed class AdminSessionsTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2025-03-01T08:00:00Z"));
    private readonly TableSet _tables = new(Azurite.NewTables());
    private readonly TableDirectoryStore _directory;
    private readonly DirectoryService _users;
    private readonly AdminSessions _sessions;
    private readonly AdminOptions _options = new();

    public AdminSessionsTests()
    {
        _directory = new TableDirectoryStore(_tables);
        _users = new DirectoryService(_directory, new PasswordHasher(), _time);
        var cookies = new AdminCookies(Options.Create(new ServiceOptions()));
        _sessions = new AdminSessions(new TableAdminSessionStore(_tables), _directory, cookies, Options.Create(_options), _time);
    }

    private async Task<(DirectoryUser User, string Cookie)> SignInAsync()
    {
        var user = (await _users.CreateUserAsync(new UserFields { Username = "admin" + Guid.NewGuid().ToString("N")[..6], AdminRole = AdminRole.Superadmin }, null, default)).Value!;
        var context = new DefaultHttpContext();
        await _sessions.SignInAsync(context, user, default);
        var setCookie = context.Response.Headers.SetCookie.ToString();
        var value = setCookie.Split(';')[0].Split('=', 2)[1];
        return (user, value);
    }

    private Task<AdminPrincipal?> ResolveAsync(string cookie)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = "imp-admin=" + cookie;
        return _sessions.ResolveAsync(context, default);
    }

    [Fact]
    public async Task Resolve_WithinIdleTimeout_StaysAlive()
    {
        var (_, cookie) = await SignInAsync();
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(_options.IdleTimeout - TimeSpan.FromMinutes(1));
            Assert.NotNull(await ResolveAsync(cookie));
        }
    }

    [Fact]
    public async Task Resolve_AfterIdleTimeout_IsNull()
    {
        var (_, cookie) = await SignInAsync();
        _time.Advance(_options.IdleTimeout);
        Assert.Null(await ResolveAsync(cookie));
    }

    [Fact]
    public async Task Resolve_AfterAbsoluteLifetimeDespiteActivity_IsNull()
    {
        var (_, cookie) = await SignInAsync();
        var elapsed = TimeSpan.Zero;
        while (elapsed < _options.AbsoluteLifetime - TimeSpan.FromMinutes(10))
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            elapsed += TimeSpan.FromMinutes(10);
            Assert.NotNull(await ResolveAsync(cookie));
        }
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await ResolveAsync(cookie));
    }

    [Fact]
    public async Task Resolve_AfterDemotionOrPasswordChange_IsNull()
    {
        var (user, cookie) = await SignInAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await _users.UpdateUserAsync(user.Id, DirectoryService.ToFields(user) with { AdminRole = AdminRole.None }, default);
        Assert.Null(await ResolveAsync(cookie));

        var (other, otherCookie) = await SignInAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await _users.SetPasswordAsync(other.Id, "a brand new password", default);
        Assert.Null(await ResolveAsync(otherCookie));
    }
}
