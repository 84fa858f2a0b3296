using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Base of the admin surface's test classes: a fresh service per test, with its superadmin "root" signed in.</summary>
public abstract class SignedInSuperadmin : IAsyncLifetime
{
    protected AdminHost Host { get; private set; } = default!;
    protected AdminClient Root { get; private set; } = default!;

    public virtual async Task InitializeAsync()
    {
        Host = await AdminHost.StartAsync();
        await Host.CreateUserAsync("root", AdminRole.Superadmin);
        Root = await Host.SignInAsync("root");
    }

    public async Task DisposeAsync()
    {
        Root.Dispose();
        await Host.DisposeAsync();
    }
}
