using Imprivata.Core.UserDirectory;
using Imprivata.Core.Passwords;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.UserDirectory;

public sealed class DirectoryServiceTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2025-01-01T00:00:00Z"));
    private readonly TableDirectoryStore _store = new(new TableSet(Azurite.NewTables()));
    private readonly PasswordHasher _hasher = new();
    private readonly DirectoryService _service;

    public DirectoryServiceTests() => _service = new DirectoryService(_store, _hasher, _time);

    [Fact]
    public async Task CreateUser_WithPassword_StoresVerifiableHash()
    {
        var result = await _service.CreateUserAsync(new UserFields { Username = "nina" }, "correct horse battery", default);
        Assert.True(result.Succeeded);
        var stored = await _store.FindUserByIdAsync(result.Value!.Id, default);
        Assert.StartsWith("$argon2id$", stored!.PasswordHash);
        Assert.True(_hasher.Verify("correct horse battery", stored.PasswordHash));
    }

    [Theory]
    [InlineData("short", DirectoryErrors.PasswordTooShort)]
    [InlineData("elevenchars", DirectoryErrors.PasswordTooShort)]
    [InlineData("", DirectoryErrors.PasswordRequired)]
    public async Task CreateUser_WeakPassword_IsRejected(string password, string error)
    {
        var result = await _service.CreateUserAsync(new UserFields { Username = "weak" }, password, default);
        Assert.Equal(error, result.Error);
        Assert.Null(await _store.FindUserByUsernameAsync("weak", default));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("<script>")]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("nul\0")]
    public async Task CreateUser_BadUsername_IsRejected(string username)
    {
        var result = await _service.CreateUserAsync(new UserFields { Username = username }, null, default);
        Assert.Equal(DirectoryErrors.UsernameInvalid, result.Error);
    }

    [Theory]
    [InlineData("O'Brien")]
    [InlineData("anna+lab@example.org")]
    [InlineData("jean-luc.picard")]
    [InlineData("Łukasz")]
    public async Task CreateUser_RealWorldUsername_IsStoredAndFoundByName(string username)
    {
        var result = await _service.CreateUserAsync(new UserFields { Username = username }, null, default);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(result.Value!.Id, (await _store.FindUserByUsernameAsync(username.ToUpperInvariant(), default))?.Id);
    }

    [Fact]
    public async Task CreateUser_TakenName_ReturnsUsernameTaken()
    {
        await _service.CreateUserAsync(new UserFields { Username = "omar" }, null, default);
        var again = await _service.CreateUserAsync(new UserFields { Username = "OMAR" }, null, default);
        Assert.Equal(DirectoryErrors.UsernameTaken, again.Error);
    }

    [Fact]
    public async Task SetPassword_BumpsCredentialsChangedAt()
    {
        var user = (await _service.CreateUserAsync(new UserFields { Username = "paula" }, "first password long", default)).Value!;
        _time.Advance(TimeSpan.FromHours(1));
        var changed = await _service.SetPasswordAsync(user.Id, "second password long", default);
        Assert.True(changed.Succeeded);
        var stored = await _store.FindUserByIdAsync(user.Id, default);
        Assert.Equal(_time.GetUtcNow(), stored!.CredentialsChangedAt);
        Assert.True(_hasher.Verify("second password long", stored.PasswordHash));
    }

    [Fact]
    public async Task SetEnabled_Disable_StoresAndBumpsCredentialsChangedAt()
    {
        var user = (await _service.CreateUserAsync(new UserFields { Username = "quinn" }, null, default)).Value!;
        _time.Advance(TimeSpan.FromMinutes(5));
        var result = await _service.SetEnabledAsync(user.Id, false, default);
        Assert.False(result.Value!.Enabled);
        Assert.Equal(_time.GetUtcNow(), (await _store.FindUserByIdAsync(user.Id, default))!.CredentialsChangedAt);
        Assert.True((await _service.SetEnabledAsync(user.Id, true, default)).Value!.Enabled);
    }
}
