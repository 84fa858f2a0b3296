using Imprivata.Core.Policies;
namespace Imprivata.Core.Mfa.TemporaryCodes;

/// <summary>Temporary-code settings, configuration section "Imprivata:TemporaryCodes".</summary>
public sealed class TemporaryCodeOptions
{
    public const string Section = "Imprivata:TemporaryCodes";

    /// <summary>Digits of a code: 10 random digits, about 33 bits, typed once per login; throttling covers guessing.</summary>
    public int Digits { get; set; } = 10;

    /// <summary>
    /// Workflows a code may be used for. The reference allows Remote Access and the Windows/Web login, never order signing
    /// or any other workflow; the policy engine may narrow this per user policy by not offering the code at all.
    /// </summary>
    /// <remarks>Null means the default (RemoteAccess, WebSso); a configured list replaces it (a non-empty default would
    /// only ever be added to by the configuration binder, so configuration could not narrow it).</remarks>
    public List<WorkflowKind>? AllowedWorkflows { get; set; }

    public bool Allows(WorkflowKind workflow) => (AllowedWorkflows ?? [WorkflowKind.RemoteAccess, WorkflowKind.WebSso]).Contains(workflow);

    /// <summary>The validity choices offered to the helpdesk; anything else is refused.</summary>
    public static readonly IReadOnlyList<TimeSpan> ValidityChoices =
    [
        TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromDays(1), TimeSpan.FromDays(3),
        TimeSpan.FromDays(7), TimeSpan.FromDays(14), TimeSpan.FromDays(30),
    ];

    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(1);
}
