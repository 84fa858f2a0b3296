using Imprivata.Core.Mfa;

namespace Imprivata.Functions.Login;

/// <summary>
/// Where a method's login step and its enrollment-at-login page live. Methods with their own pages (push, WebAuthn,
/// TOTP enrollment) register one; code factors get /login/mfa/{name} for free. The chooser offers only routable methods.
/// </summary>
public sealed record LoginStepRoute(Factor Factor, string? LoginPath, string? EnrollPath);

public sealed class LoginStepRoutes(IEnumerable<LoginStepRoute> routes, IEnumerable<ICodeFactor> codeFactors)
{
    // First registration wins, so a host (or a test) can put its own method in front of the built-in one.
    private readonly Dictionary<Factor, ICodeFactor> _codes = codeFactors.GroupBy(c => c.Factor).ToDictionary(g => g.Key, g => g.First());

    public ICodeFactor? CodeFactor(Factor factor) => _codes.GetValueOrDefault(factor);

    public string? LoginPathOf(Factor factor) =>
        routes.FirstOrDefault(r => r.Factor == factor && r.LoginPath is not null)?.LoginPath
        ?? (_codes.ContainsKey(factor) ? $"{MfaLogin.StepPath}/{factor.Name()}" : null);

    public string? EnrollPathOf(Factor factor) => routes.FirstOrDefault(r => r.Factor == factor && r.EnrollPath is not null)?.EnrollPath;
}
