using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Core.Passwords;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Mfa.Codes;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Testing;

/// <summary>The code services over real Azurite tables, fake time, and a carrier that records what it would deliver.</summary>
public sealed class CodeRig
{
    public CodeRig(OneTimeCodeOptions? options = null)
    {
        Tables = new TableSet(Azurite.NewTables());
        Options = options ?? new OneTimeCodeOptions();
        Store = new TableOneTimeCodeStore(Tables);
        Enrollments = new TableEnrollmentStore(Tables, new TableSecretProtector(new SecretKeys(Tables)));
        Directory = new TableDirectoryStore(Tables);
        Codes = new OneTimeCodes(Store, new TableCodeSendLog(Tables), new TableCodeHashKey(new SecretKeys(Tables)), Carrier, Carrier, Options, Time);
        CodeEnrollments = new CodeEnrollments(Enrollments, Directory, Codes, Time);
        SignIns = new CodeSignIns(Enrollments, Codes, Time);
    }

    public TableSet Tables { get; }
    public OneTimeCodeOptions Options { get; }
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    public RecordingCarrier Carrier { get; } = new();
    public TableOneTimeCodeStore Store { get; }
    public TableEnrollmentStore Enrollments { get; }
    public TableDirectoryStore Directory { get; }
    public OneTimeCodes Codes { get; }
    public CodeEnrollments CodeEnrollments { get; }
    public CodeSignIns SignIns { get; }

    public async Task<DirectoryUser> AddUserAsync(string username, string? email = null)
    {
        var result = await new DirectoryService(Directory, new PasswordHasher(), Time).CreateUserAsync(
            new UserFields { Username = username, Email = email ?? username + "@example.org" }, null, CancellationToken.None);
        return result.Value ?? throw new InvalidOperationException(result.Error);
    }

    /// <summary>The digits in the last message delivered to <paramref name="to"/>.</summary>
    public string LastCodeTo(string to) => CodeIn(Carrier.Sent.Last(m => m.To == to).Text);

    public static string CodeIn(string text) => Regex.Match(text, @"\b(\d{6,10})\b").Groups[1].Value;

    public async Task<Enrollment> EnrollPhoneAsync(string userId, string phone)
    {
        var begun = await CodeEnrollments.BeginAsync(userId, CodeChannel.Sms, phone, CancellationToken.None);
        Assert.True(begun.Succeeded, begun.Error);
        var confirmed = await CodeEnrollments.ConfirmAsync(userId, begun.Enrollment!.Id, LastCodeTo(phone), CancellationToken.None);
        Assert.True(confirmed.Succeeded, confirmed.Error);
        return confirmed.Enrollment!;
    }
}

/// <summary>Our carrier seam, recording messages; can be told to fail.</summary>
public sealed class RecordingCarrier : ISmsSender, IEmailSender
{
    public ConcurrentQueue<(CodeChannel Channel, string To, string Text)> SentQueue { get; } = new();
    public IReadOnlyList<(CodeChannel Channel, string To, string Text)> Sent => [.. SentQueue];
    public bool Fail { get; set; }

    public Task<SendResult> SendAsync(SmsMessage message, CancellationToken ct) => Record(CodeChannel.Sms, message.To, message.Text);

    public Task<SendResult> SendAsync(EmailMessage message, CancellationToken ct) => Record(CodeChannel.Email, message.To, message.Text);

    private Task<SendResult> Record(CodeChannel channel, string to, string text)
    {
        if (Fail)
            return Task.FromResult(SendResult.Failed("carrier_down"));
        SentQueue.Enqueue((channel, to, text));
        return Task.FromResult(SendResult.Sent);
    }
}
