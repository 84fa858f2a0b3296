using Microsoft.Extensions.DependencyInjection.Extensions;
using Imprivata.Core.Keys;
using Imprivata.Functions.Infrastructure;
using Imprivata.Storage.OpenIddict;
using Imprivata.Storage.Secrets;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// The OpenID Connect provider: OpenIddict does the protocol (validation, codes, PKCE, tokens, discovery); our endpoints
/// decide who the user is and what the token says (passthrough), and our handlers bring keys from the key ring.
/// </summary>
public static class OidcSetup
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(60);
    public static readonly TimeSpan IdentityTokenLifetime = TimeSpan.FromMinutes(20);

    /// <summary>The longest life of a token our signing keys sign: how long a replaced key must at least stay published.</summary>
    public static TimeSpan LongestSignedTokenLifetime => AccessTokenLifetime > IdentityTokenLifetime ? AccessTokenLifetime : IdentityTokenLifetime;

    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string UserInfoPath = "/connect/userinfo";
    public const string EndSessionPath = "/connect/logout";
    public const string RevocationPath = "/connect/revoke";
    public const string JwksPath = "/.well-known/jwks";
    public const string DiscoveryPath = "/.well-known/openid-configuration";

    public static void AddOidc(this WebApplicationBuilder builder)
    {
        var service = builder.Configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>() ?? new ServiceOptions();
        var issuer = service.PublicBase;

        builder.Services.AddSingleton<ITokenEncryptionKeySource, TableTokenEncryptionKey>();
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, KeyRingServerCredentials>();
        builder.Services.AddSingleton<KeyRingOptionsRefresh>();
        builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(sp => sp.GetRequiredService<KeyRingOptionsRefresh>());
        builder.Services.AddSingleton<IOptionsMonitorCache<OpenIddictServerOptions>, ServerOptionsCache>();
        builder.Services.AddSingleton<OidcClaims>();
        builder.Services.AddScoped<ApiResources>();
        builder.Services.AddSingleton<BackchannelLogout>();
        // Server to server, to the address the administrator registered: never follow a redirect elsewhere, carry no cookies.
        builder.Services.AddHttpClient(BackchannelLogout.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        builder.Services.TryAddSingleton<IOidcClientRegistry, OpenIddictClientRegistry>();
        builder.Services.AddSingleton<Hosting.IPurgeTask, OidcPurge>();

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseTableStores())
            .AddServer(server =>
            {
                server.SetIssuer(issuer);
                server.SetAuthorizationEndpointUris(AuthorizePath[1..])
                    .SetTokenEndpointUris(TokenPath[1..])
                    .SetUserInfoEndpointUris(UserInfoPath[1..])
                    .SetEndSessionEndpointUris(EndSessionPath[1..])
                    .SetRevocationEndpointUris(RevocationPath[1..])
                    .SetJsonWebKeySetEndpointUris(JwksPath[1..])
                    .SetConfigurationEndpointUris(DiscoveryPath[1..]);

                // Code flow only: response_type=token/id_token (implicit) and grant_type=password stay unsupported (RFC 9700 2.1.2, 2.4).
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                // PKCE is each client's requirement (OpenIddictClientRegistry: on unless the app profile turns it off for a
                // confidential app that cannot send it); S256 only (RFC 7636 4.2; RFC 9700 2.1.1: plain is not allowed).
                server.Configure(o =>
                {
                    o.CodeChallengeMethods.Clear();
                    o.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                    // No client can register a key yet: client secrets only, and no private_key_jwt advertised or accepted.
                    o.ClientAuthenticationMethods.Remove(ClientAuthenticationMethods.PrivateKeyJwt);
                    o.ClientAssertionTypes.Clear();
                    // RFC 8707: API resources are registered in the console while the service runs (RequireRegisteredResources);
                    // any client may name a registered API, which checks the token's client_id and scope itself.
                    o.DisableResourceValidation = true;
                    o.IgnoreResourcePermissions = true;
                });

                server.AddOidcErrorAudit();
                server.AddEventHandler<ProcessErrorContext>(handler => handler
                    .UseSingletonHandler<OmitErrorUri>()
                    .SetOrder(AttachErrorParameters.Descriptor.Order + 1)
                    .SetType(OpenIddictServerHandlerType.Custom));
                server.AddEventHandler<ProcessChallengeContext>(handler => handler
                    .UseSingletonHandler<OmitErrorUri>()
                    .SetOrder(AttachDefaultChallengeError.Descriptor.Order + 1)
                    .SetType(OpenIddictServerHandlerType.Custom));
                server.AddHttpRedirectRefusal(issuer);
                // Errors go back to a known client's registered redirect URI, whichever check found them.
                server.AddEventHandler(ReturnErrorsToClient.Descriptor);
                server.AddEventHandler(DefaultErrorResponseMode.Descriptor);
                server.AddEventHandler(RejectInvalidMaxAge.Descriptor);
                // The authorization request's own OIDC rules, after OpenIddict attached the validated id_token_hint; the
                // endpoint's access steps come after them (AuthorizeEndpoint).
                server.AddEventHandler<HandleAuthorizationRequestContext>(handler => handler
                    .UseSingletonHandler<RequireHintedUser>()
                    .SetOrder(Authentication.AttachPrincipal.Descriptor.Order + 1_000)
                    .SetType(OpenIddictServerHandlerType.Custom));
                server.AddEventHandler<HandleAuthorizationRequestContext>(handler => handler
                    .UseSingletonHandler<RequireSessionForPromptNone>()
                    .SetOrder(Authentication.AttachPrincipal.Descriptor.Order + 2_000)
                    .SetType(OpenIddictServerHandlerType.Custom));
                server.AddEventHandler<ValidateTokenRequestContext>(handler => handler
                    .UseSingletonHandler<RequireCodeVerifier>()
                    // Once the code was read, before OpenIddict's own "verifier missing" checks, which answer invalid_request.
                    .SetOrder(Exchange.ValidateProofKeyForCodeExchangeRequirement.Descriptor.Order - 1)
                    .SetType(OpenIddictServerHandlerType.Custom));
                server.AddEventHandler<ValidateTokenRequestContext>(handler => handler
                    .UseSingletonHandler<RequireCodeVerifierSyntax>()
                    .SetOrder(Exchange.ValidateCodeVerifier.Descriptor.Order - 1)
                    .SetType(OpenIddictServerHandlerType.Custom));

                server.AddEventHandler<ValidateTokenRequestContext>(handler => handler
                    .UseSingletonHandler<RejectWiderRefreshScope>()
                    .SetOrder(Exchange.ValidateGrantedScopes.Descriptor.Order - 1)
                    .SetType(OpenIddictServerHandlerType.Custom));

                server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler
                    .UseScopedHandler<RequireRegisteredResources>()
                    .SetOrder(Authentication.ValidateResources.Descriptor.Order)
                    .SetType(OpenIddictServerHandlerType.Custom));
                server.AddEventHandler<ValidateTokenRequestContext>(handler => handler
                    .UseScopedHandler<RequireRegisteredResources>()
                    .SetOrder(Exchange.ValidateResources.Descriptor.Order)
                    .SetType(OpenIddictServerHandlerType.Custom));
                // RFC 7009 2.1: revoking a token ends its grant.
                server.AddEventHandler<HandleRevocationRequestContext>(handler => handler
                    .UseScopedHandler<RevokeGrant>()
                    .SetOrder(Revocation.RevokeToken.Descriptor.Order)
                    .SetType(OpenIddictServerHandlerType.Custom));
                server.RemoveEventHandler(Revocation.RevokeToken.Descriptor);
                server.AddEventHandler<GenerateTokenContext>(handler => handler
                    .UseSingletonHandler<ShapeAccessTokens>()
                    .SetOrder(Protection.AttachTokenMetadata.Descriptor.Order + 1)
                    .SetType(OpenIddictServerHandlerType.Custom));

                server.AddEventHandler<ValidateTokenContext>(handler => handler
                    .UseSingletonHandler<RejectCriticalHeaders>()
                    .SetOrder(Protection.ValidateIdentityModelToken.Descriptor.Order - 1)
                    .SetType(OpenIddictServerHandlerType.Custom));

                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Phone, Scopes.OfflineAccess);
                server.RegisterClaims(Claims.Subject, Claims.Name, Claims.PreferredUsername, Claims.Email, Claims.PhoneNumber,
                    Claims.AuthenticationTime, Claims.AuthenticationMethodReference, Claims.AuthenticationContextReference, OidcClaims.SessionId);

                // OIDC Back-Channel Logout 1.0 section 2.1: apps with a back-channel logout URI are told when a session ends.
                server.AddEventHandler<HandleConfigurationRequestContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        context.Metadata["backchannel_logout_supported"] = true;
                        context.Metadata["backchannel_logout_session_supported"] = true;
                        return default;
                    })
                    .SetType(OpenIddictServerHandlerType.Custom));

                // prompt=consent is accepted but shows no consent screen (docs/decisions/012): not advertised.
                server.AddEventHandler<HandleConfigurationRequestContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        context.PromptValues.Remove(PromptValues.Consent);
                        return default;
                    })
                    .SetOrder(Discovery.AttachPromptValues.Descriptor.Order + 1)
                    .SetType(OpenIddictServerHandlerType.Custom));

                // RFC 9700 4.2.1 / OIDC Core 3.1.2.1: codes live 60 s at most.
                server.SetAuthorizationCodeLifetime(TimeSpan.FromSeconds(60));
                server.SetAccessTokenLifetime(AccessTokenLifetime);
                server.SetIdentityTokenLifetime(IdentityTokenLifetime);
                server.SetRefreshTokenLifetime(TimeSpan.FromDays(1));
                // RFC 9700 4.14.2: any replay of a rotated refresh token revokes the family (OpenIddict's default lets it pass for 30 s).
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // Access tokens meant for resource servers (client_credentials, or a named resource) are plain JWTs they
                // validate with our JWKS; a user's access token without a resource is encrypted by SignWithActiveKey instead.
                server.DisableAccessTokenEncryption();
                // Rows only for codes and refresh tokens; JWT access and ID tokens are revoked through their authorization.
                server.AddEventHandler<GenerateTokenContext>(handler => handler
                    .UseSingletonHandler<StoreOnlyRedeemableTokens>()
                    .SetOrder(Protection.CreateTokenEntry.Descriptor.Order - 1)
                    .SetType(OpenIddictServerHandlerType.Custom));
                server.AddEventHandler<ValidateTokenContext>(handler => handler
                    .UseSingletonHandler<CheckAuthorizationOfSelfContainedTokens>()
                    .SetOrder(Protection.ValidateAuthorizationEntry.Descriptor.Order - 1)
                    .SetType(OpenIddictServerHandlerType.Custom));

                // Sign each token with the key ring's active key (rotation without restart) and publish x5c in JWKS.
                server.AddEventHandler<GenerateTokenContext>(handler => handler
                    .UseSingletonHandler<SignWithActiveKey>()
                    .SetOrder(Protection.AttachSecurityCredentials.Descriptor.Order + 1)
                    .SetType(OpenIddictServerHandlerType.Custom));
                server.AddEventHandler<HandleJsonWebKeySetRequestContext>(handler => handler
                    .UseSingletonHandler<PublishKeyCertificates>()
                    .SetOrder(Discovery.AttachSigningKeys.Descriptor.Order + 1)
                    .SetType(OpenIddictServerHandlerType.Custom));
                // PublishKeyCertificates replaces the whole set; OpenIddict's own handler would export every key's RSA
                // parameters on each JWKS request only for them to be cleared.
                server.RemoveEventHandler(Discovery.AttachSigningKeys.Descriptor);

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableStatusCodePagesIntegration()
                    // Machines read these JSON documents (JWKS, discovery, token responses): no indentation to write and send.
                    .SuppressJsonResponseIndentation();
                if (issuer.Scheme == Uri.UriSchemeHttp)
                    aspNetCore.DisableTransportSecurityRequirement(); // local standalone mode on loopback only
            });
    }

    public static void MapOidc(this WebApplication app)
    {
        // OpenIddict answers protocol errors inside the authentication middleware: the status-code page must wrap it.
        app.UseStatusCodePages(OidcErrorPage.RenderAsync);
        app.UseAuthentication();
        app.MapMethods(AuthorizePath, ["GET", "POST"], AuthorizeEndpoint.HandleAsync);
        app.MapPost(TokenPath, TokenEndpoint.HandleAsync);
        app.MapMethods(UserInfoPath, ["GET", "POST"], UserInfoEndpoint.HandleAsync);
        app.MapMethods(EndSessionPath, ["GET", "POST"], EndSessionEndpoint.HandleAsync);
    }
}
