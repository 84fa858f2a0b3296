using Imprivata.Core.Directory;

namespace Imprivata.Functions.Admin;

/// <summary>The administrator behind the current request, with the request facts the audit log needs.</summary>
public sealed record AdminPrincipal(DirectoryUser User, string SessionKey, AdminSession Session, string? Ip, string RequestId)
{
    public AdminRole Role => User.AdminRole;
    public bool IsSuperadmin => Role == AdminRole.Superadmin;

    private static readonly object Key = new();

    public static AdminPrincipal? Of(HttpContext context) => context.Items.TryGetValue(Key, out var value) ? value as AdminPrincipal : null;

    public static AdminPrincipal Required(HttpContext context) =>
        Of(context) ?? throw new InvalidOperationException("Admin endpoint reached without the admin filter.");

    internal void Attach(HttpContext context) => context.Items[Key] = this;
}
