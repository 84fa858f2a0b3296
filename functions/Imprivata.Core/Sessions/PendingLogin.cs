using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;

namespace Imprivata.Core.Sessions;

/// <summary>
/// A login between its first factor and its end: the password was right, a second factor or an enrollment is still due.
/// The browser holds only the random id (cookie); this record is the truth. Short-lived and never an SSO session.
/// </summary>
public sealed record PendingLogin
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    /// <summary>Where to go when done: our own authorization endpoint URL, or null for the "signed in" page.</summary>
    public string? ReturnUrl { get; init; }
    public string? ClientId { get; init; }
    public IReadOnlyList<Factor> Completed { get; init; } = [];
    /// <summary>
    /// The workflow the policy engine plans this login with: Web SSO after our password, or second factor only when Entra ID
    /// did the first factor (its validated id_token_hint stands for it) and <see cref="Completed"/> is empty.
    /// </summary>
    public WorkflowKind Workflow { get; init; } = WorkflowKind.WebSso;
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Per-step state (a sent code's id, a push challenge id, a WebAuthn challenge). Never a secret in plaintext.</summary>
    public IReadOnlyDictionary<string, string> State { get; init; } = new Dictionary<string, string>();
}

public interface IPendingLoginStore
{
    Task<PendingLogin?> FindAsync(string id, CancellationToken ct);
    Task SaveAsync(PendingLogin login, CancellationToken ct);
    Task DeleteAsync(string id, CancellationToken ct);
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct);
}
