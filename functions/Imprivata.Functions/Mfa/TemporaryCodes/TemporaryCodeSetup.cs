using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Core.Policies;
using Imprivata.Functions.Login;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Secrets;

namespace Imprivata.Functions.Mfa.TemporaryCodes;

/// <summary>Helpdesk-issued temporary codes: service, store, keyed hash, admin API and console page.</summary>
public static class TemporaryCodeSetup
{
    /// <summary>Needs AddMfa (enrollments) and AddAdmin (audit of admin actions).</summary>
    public static void AddTemporaryCodes(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection(TemporaryCodeOptions.Section).Get<TemporaryCodeOptions>() ?? new TemporaryCodeOptions());
        builder.Services.AddSingleton<ITemporaryCodeStore, TableTemporaryCodeStore>();
        builder.Services.AddSingleton<ICodeHasher, TableCodeHasher>();
        builder.Services.AddSingleton<Core.Mfa.TemporaryCodes.TemporaryCodes>();
        builder.Services.AddSingleton<TemporaryCodeAdministration>();
        builder.Services.AddSingleton<TemporaryCodeSignIn>();
        builder.Services.AddSingleton<TemporaryCodeFactor>();
        builder.Services.AddSingleton<ICodeFactor>(sp => sp.GetRequiredService<TemporaryCodeFactor>());
        // Replaces the framework's "nobody has a code" default (registered with TryAdd; the last registration wins).
        builder.Services.AddSingleton<ITemporaryCodeStatus>(sp => sp.GetRequiredService<TemporaryCodeFactor>());
    }

    public static void MapTemporaryCodes(this WebApplication app)
    {
        app.MapTemporaryCodeApi();
        app.MapTemporaryCodePages();
    }
}
