using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Functions.Mfa.WebAuthn;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Functions.Tests.Mfa.WebAuthn;

/// <summary>Registration and login through the ceremonies, with enrollments and challenges in real Tables (Azurite).</summary>
public sealed class WebAuthnCeremoniesTests
{
    private const string Origin = "https://login.example.org";
    private static readonly WebAuthnRelyingParty Rp = WebAuthnRelyingParty.FromPublicBase(new Uri("https://login.example.org/"), "Example")!;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly TableEnrollmentStore _enrollments;
    private readonly WebAuthnCeremonies _ceremonies;

    public WebAuthnCeremoniesTests()
    {
        var tables = new TableSet(Azurite.NewTables());
        _enrollments = new TableEnrollmentStore(tables, new TableSecretProtector(new SecretKeys(tables)));
        _ceremonies = new WebAuthnCeremonies(_enrollments, new TableWebAuthnChallengeStore(tables), Rp, _time);
    }

    [Fact]
    public void CredentialIndex_IsTheStoresIndexKind() => Assert.Equal(TableEnrollmentStore.CredentialIndex, WebAuthnCeremonies.CredentialIndex);

    [Fact]
    public async Task RegisterThenLogin_StoresConfirmedCredentialAndAdvancesCounter()
    {
        using var key = new SoftwareAuthenticator();
        var enrollment = await RegisterAsync("alice", key);
        Assert.Equal((Factor.WebAuthn, true, key.CredentialIdText), (enrollment.Factor, enrollment.Confirmed, enrollment.CredentialId));
        Assert.Equal(key.CoseKey(), enrollment.PublicKey);
        var found = await _enrollments.FindByIndexAsync(WebAuthnCeremonies.CredentialIndex, key.CredentialIdText, default);
        Assert.Equal(enrollment.Id, found?.Id);

        var result = await LoginAsync("alice", key);
        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(["fido", "user"], result.Amr);
        Assert.Equal(1, (await _enrollments.FindAsync("alice", enrollment.Id, default))!.SignCount);
        Assert.True((await LoginAsync("alice", key)).Succeeded);
        Assert.Equal(2, (await _enrollments.FindAsync("alice", enrollment.Id, default))!.SignCount);
    }

    [Fact]
    public async Task RegistrationOptions_UseRandomUserHandleBothAlgorithmsAndExcludeExistingCredentials()
    {
        using var first = new SoftwareAuthenticator();
        await RegisterAsync("bob", first);
        var start = (await _ceremonies.BeginRegistrationAsync("bob", "bob", "Bob Example", default))!;
        using var options = JsonDocument.Parse(start.OptionsJson);
        var root = options.RootElement;
        Assert.Equal(Rp.Id, root.GetProperty("rp").GetProperty("id").GetString());
        var userId = Base64Url.DecodeFromChars(root.GetProperty("user").GetProperty("id").GetString()!);
        Assert.Equal(32, userId.Length);
        Assert.NotEqual("bob"u8.ToArray(), userId);
        // The handle stays the same for the user's next credential.
        Assert.Equal(WebAuthnCredentialProperties.Read((await _ceremonies.CredentialsAsync("bob", default))[0]).UserHandle, Base64Url.EncodeToString(userId));
        Assert.Equal([-7, -257], root.GetProperty("pubKeyCredParams").EnumerateArray().Select(p => p.GetProperty("alg").GetInt32()));
        Assert.Equal([first.CredentialIdText], root.GetProperty("excludeCredentials").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("preferred", root.GetProperty("authenticatorSelection").GetProperty("userVerification").GetString());
        Assert.Equal("none", root.GetProperty("attestation").GetString());
        Assert.True(Base64Url.DecodeFromChars(root.GetProperty("challenge").GetString()!).Length >= 16);
    }

    [Fact]
    public async Task ReplayedCeremony_Rejected()
    {
        using var key = new SoftwareAuthenticator();
        await RegisterAsync("carol", key);
        var start = (await _ceremonies.BeginAssertionAsync("carol", default))!;
        var response = AssertionFor(key, start.Challenge.Value);
        Assert.True((await _ceremonies.CompleteAssertionAsync("carol", start.CeremonyId!, response, default)).Succeeded);
        var replay = await _ceremonies.CompleteAssertionAsync("carol", start.CeremonyId!, response, default);
        Assert.Equal(WebAuthnError.ChallengeUnknown, replay.Error);
    }

    [Fact]
    public async Task ExpiredChallenge_Rejected()
    {
        using var key = new SoftwareAuthenticator();
        await RegisterAsync("dave", key);
        var start = (await _ceremonies.BeginAssertionAsync("dave", default))!;
        _time.Advance(TimeSpan.FromMinutes(5));
        var result = await _ceremonies.CompleteAssertionAsync("dave", start.CeremonyId!, AssertionFor(key, start.Challenge.Value), default);
        Assert.Equal(WebAuthnError.ChallengeExpired, result.Error);
    }

    [Fact]
    public async Task CredentialOfAnotherUser_Rejected()
    {
        using var erinsKey = new SoftwareAuthenticator();
        using var franksKey = new SoftwareAuthenticator();
        await RegisterAsync("erin", erinsKey);
        await RegisterAsync("frank", franksKey);
        // Frank's login challenge answered with Erin's (valid) credential.
        var start = (await _ceremonies.BeginAssertionAsync("frank", default))!;
        var result = await _ceremonies.CompleteAssertionAsync("frank", start.CeremonyId!, AssertionFor(erinsKey, start.Challenge.Value), default);
        Assert.Equal(WebAuthnError.CredentialOfAnotherUser, result.Error);
    }

    [Fact]
    public async Task ChallengeOfAnotherUser_Rejected()
    {
        using var key = new SoftwareAuthenticator();
        await RegisterAsync("gina", key);
        await RegisterAsync("hank", new SoftwareAuthenticator());
        var hanks = (await _ceremonies.BeginAssertionAsync("hank", default))!;
        var result = await _ceremonies.CompleteAssertionAsync("gina", hanks.CeremonyId!, AssertionFor(key, hanks.Challenge.Value), default);
        Assert.Equal(WebAuthnError.ChallengeMismatch, result.Error);
    }

    [Fact]
    public async Task SignCountRegression_RejectedAndCounterKept()
    {
        using var key = new SoftwareAuthenticator();
        var enrollment = await RegisterAsync("ivan", key);
        Assert.True((await LoginAsync("ivan", key)).Succeeded);
        Assert.True((await LoginAsync("ivan", key)).Succeeded);
        key.SignCount = 1; // a clone that missed the second use
        var result = await LoginAsync("ivan", key);
        Assert.Equal(WebAuthnError.SignCountRegressed, result.Error);
        Assert.Equal(2, (await _enrollments.FindAsync("ivan", enrollment.Id, default))!.SignCount);
    }

    [Fact]
    public async Task SameCredentialRegisteredTwice_Rejected()
    {
        using var key = new SoftwareAuthenticator();
        await RegisterAsync("judy", key);
        var start = (await _ceremonies.BeginRegistrationAsync("kim", "kim", "Kim", default))!;
        var (clientData, attestation) = key.Register(Rp.Id, Origin, start.Challenge.Value);
        var (result, stored) = await _ceremonies.CompleteRegistrationAsync("kim", start.CeremonyId!, new RegistrationResponse(key.CredentialId, clientData, attestation, []), "key", default);
        Assert.Equal(WebAuthnError.CredentialAlreadyRegistered, result.Error);
        Assert.Null(stored);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CredentialStoredBeforeTheLibrary_StillSignsIn(bool rsa)
    {
        // An enrollment exactly as the hand-written verifier stored it: COSE_Key bytes as sent, its properties JSON, a counter.
        using var key = new SoftwareAuthenticator(rsa) { SignCount = 41 };
        var handle = RandomNumberGenerator.GetBytes(32);
        var stored = await _enrollments.AddAsync(new Enrollment
        {
            Id = "wa-" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12)),
            UserId = "olga",
            Factor = Factor.WebAuthn,
            Label = "Old key",
            CreatedAt = _time.GetUtcNow(),
            Confirmed = true,
            PublicKey = key.CoseKey(),
            CredentialId = key.CredentialIdText,
            SignCount = 41,
            Properties = $"{{\"userHandle\":\"{Base64Url.EncodeToString(handle)}\",\"aaguid\":\"{Guid.Empty}\",\"algorithm\":{key.Algorithm},"
                + "\"transports\":[\"usb\",\"nfc\"],\"userVerified\":true,\"backupEligible\":false,\"attestation\":\"basic-untrusted\"}",
        }, default);

        var start = (await _ceremonies.BeginAssertionAsync("olga", default))!;
        using (var options = JsonDocument.Parse(start.OptionsJson))
        {
            var allowed = Assert.Single(options.RootElement.GetProperty("allowCredentials").EnumerateArray());
            Assert.Equal(key.CredentialIdText, allowed.GetProperty("id").GetString());
            Assert.Equal(["usb", "nfc"], allowed.GetProperty("transports").EnumerateArray().Select(t => t.GetString()));
        }
        var (clientData, authData, signature) = key.Assert(Rp.Id, Origin, start.Challenge.Value);
        var result = await _ceremonies.CompleteAssertionAsync("olga", start.CeremonyId!, new AssertionResponse(key.CredentialId, clientData, authData, signature, handle), default);
        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(42, (await _enrollments.FindAsync("olga", stored.Id, default))!.SignCount);
        Assert.Equal("basic-untrusted", WebAuthnCredentialProperties.Read(result.Enrollment!).Attestation);
    }

    [Fact]
    public async Task UnknownCredential_Rejected()
    {
        await RegisterAsync("liam", new SoftwareAuthenticator());
        using var stranger = new SoftwareAuthenticator();
        var start = (await _ceremonies.BeginAssertionAsync("liam", default))!;
        var result = await _ceremonies.CompleteAssertionAsync("liam", start.CeremonyId!, AssertionFor(stranger, start.Challenge.Value), default);
        Assert.Equal(WebAuthnError.UnknownCredential, result.Error);
    }

    [Fact]
    public async Task Unavailable_WhenPublicBaseIsAnIpAddress()
    {
        var tables = new TableSet(Azurite.NewTables());
        var ceremonies = new WebAuthnCeremonies(_enrollments, new TableWebAuthnChallengeStore(tables), null, _time);
        Assert.False(ceremonies.IsAvailable);
        Assert.Null(await ceremonies.BeginRegistrationAsync("x", "x", "x", default));
    }

    [Fact]
    public void ResponseParsing_RejectsNonCanonicalOrOversizedBase64()
    {
        Assert.Null(AssertionResponse.TryParse("AAAA", "e30", "AA", "AA", null)); // credential id too short
        Assert.Null(AssertionResponse.TryParse(new string('A', 22) + "==", "e30", "AA", "AA", null)); // padding
        Assert.Null(RegistrationResponse.TryParse(new string('A', 22), "e30", new string('A', 200_000), null));
        Assert.Null(RegistrationResponse.TryParse("AAAA", "e30", "oA", null)); // credential id too short
        var ok = RegistrationResponse.TryParse(new string('A', 22), "e30", "oA", "usb, internal,carrier-pigeon");
        Assert.Equal(["usb", "internal"], ok!.Transports);
    }

    private async Task<Enrollment> RegisterAsync(string user, SoftwareAuthenticator key)
    {
        var start = (await _ceremonies.BeginRegistrationAsync(user, user, user, default))!;
        var (clientData, attestation) = key.Register(Rp.Id, Origin, start.Challenge.Value);
        var (result, enrollment) = await _ceremonies.CompleteRegistrationAsync(user, start.CeremonyId!, new RegistrationResponse(key.CredentialId, clientData, attestation, ["usb"]), "My key", default);
        Assert.True(result.Succeeded, result.Error.ToString());
        return enrollment!;
    }

    private async Task<AssertionResult> LoginAsync(string user, SoftwareAuthenticator key)
    {
        var start = (await _ceremonies.BeginAssertionAsync(user, default))!;
        return await _ceremonies.CompleteAssertionAsync(user, start.CeremonyId!, AssertionFor(key, start.Challenge.Value), default);
    }

    private static AssertionResponse AssertionFor(SoftwareAuthenticator key, byte[] challenge)
    {
        var (clientData, authData, signature) = key.Assert(Rp.Id, Origin, challenge);
        return new AssertionResponse(key.CredentialId, clientData, authData, signature, []);
    }
}
