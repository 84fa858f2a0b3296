namespace Imprivata.Functions.Login;

/// <summary>A one-button form on a message page (e.g. "Sign out"), with its hidden fields.</summary>
public sealed record ConfirmForm(string Action, string Button, IReadOnlyDictionary<string, string> Fields);
