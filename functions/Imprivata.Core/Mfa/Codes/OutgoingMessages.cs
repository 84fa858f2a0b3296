namespace Imprivata.Core.Mfa.Codes;

/// <summary>A text message to one phone number (E.164).</summary>
public sealed record SmsMessage(string To, string Text);

/// <summary>An e-mail to one address: plain text, with an optional simple HTML alternative.</summary>
public sealed record EmailMessage(string To, string Subject, string Text, string? Html = null);

/// <summary>Outcome of handing a message to a carrier. Failure is the default; <see cref="Error"/> never carries the message text.</summary>
public readonly record struct SendResult(bool Succeeded, string? Error)
{
    public static SendResult Sent => new(true, null);
    public static SendResult Failed(string error) => new(false, error);
}

/// <summary>Delivers SMS (Azure Communication Services, or the local outbox).</summary>
public interface ISmsSender
{
    Task<SendResult> SendAsync(SmsMessage message, CancellationToken ct);
}

/// <summary>Delivers e-mail (SMTP, or the local outbox).</summary>
public interface IEmailSender
{
    Task<SendResult> SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>A message kept by the local outbox instead of being delivered, for a person trying the product.</summary>
public sealed record OutboxMessage
{
    public required string Id { get; init; }
    public required CodeChannel Channel { get; init; }
    public required string To { get; init; }
    public string Subject { get; init; } = "";
    public required string Text { get; init; }
    public required DateTimeOffset SentAt { get; init; }
}

/// <summary>The local outbox (the embedded default sender's storage).</summary>
public interface IOutboxStore
{
    Task AddAsync(OutboxMessage message, CancellationToken ct);
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListAsync(int max, CancellationToken ct);
    /// <summary>Deletes messages sent before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}
