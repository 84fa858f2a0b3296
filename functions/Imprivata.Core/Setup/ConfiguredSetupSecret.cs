using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Core.Setup;

/// <summary>
/// A setup secret given as a setting (a local installation without Key Vault), or none. It never expires by itself; its
/// version is derived from the value, so changing the setting makes a new one-time secret.
/// </summary>
public sealed class ConfiguredSetupSecret(string? value) : ISetupSecretSource
{
    public bool Configured => !string.IsNullOrWhiteSpace(value);

    public Task<SetupSecret?> ReadAsync(CancellationToken ct) => Task.FromResult(Configured
        ? new SetupSecret(value!.Trim(), "setting-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value.Trim())))[..16])
        : null);
}
