using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// OIDC Core 3.1.2.1: max_age is a number of seconds, a non-negative integer. OpenIddict reads anything else as no max_age,
/// so a client asking for "-1" or "ten" would silently get an old session; it gets invalid_request instead (sent back to it,
/// <see cref="ReturnErrorsToClient"/>). A value too large for any clock means no limit (AuthorizeEndpoint.FreshnessOf).
/// </summary>
internal sealed class RejectInvalidMaxAge : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
        .UseSingletonHandler<RejectInvalidMaxAge>()
        .SetOrder(OpenIddictServerHandlers.Authentication.ValidatePromptParameter.Descriptor.Order + 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (context.Request.GetParameter(Parameters.MaxAge) is { } parameter && !IsNonNegativeInteger((string?)parameter))
            context.Reject(Errors.InvalidRequest, "max_age must be a non-negative number of seconds (OIDC Core 3.1.2.1).");
        return default;
    }

    internal static bool IsNonNegativeInteger(string? value) => value is { Length: > 0 } && value.All(char.IsAsciiDigit);
}
