namespace Imprivata.Core.Audit;

/// <summary>
/// Every audit event kind, in one place: the audit log's filters, reports and alert rules key on these values, so a kind is
/// never spelled twice. Dotted: the first part is the area (login, oidc, mfa, push, radius, keys, admin, http).
/// </summary>
public static class AuditKinds
{
    public const string LoginComplete = "login.complete";
    public const string LoginEnroll = "login.enroll";
    public const string LoginMfa = "login.mfa";
    public const string LoginPassword = "login.password";

    public const string OidcAuthorize = "oidc.authorize";
    public const string OidcBackchannelLogout = "oidc.backchannel_logout";
    public const string OidcLogout = "oidc.logout";
    public const string OidcRequest = "oidc.request";
    public const string OidcRevocation = "oidc.revocation";
    public const string OidcToken = "oidc.token";
    public const string OidcUserinfo = "oidc.userinfo";

    /// <summary>Entra ID's external authentication method: a request refused before anything could be posted (error page).</summary>
    public const string EamRequest = "eam.request";
    /// <summary>Entra's request accepted (second factor begins) or answered access_denied, one per request.</summary>
    public const string EamAuthorize = "eam.authorize";
    /// <summary>The answer after the second factor: an id_token posted to Entra, or access_denied.</summary>
    public const string EamAnswer = "eam.answer";
    /// <summary>An Entra user (tenant id, object id) linked to or unlinked from a directory user.</summary>
    public const string EamLink = "eam.link";

    public const string MfaOtp = "mfa.otp";
    public const string MfaTemporaryCode = "mfa.temporary_code";

    public const string PushApprove = "push.approve";
    public const string PushCancel = "push.cancel";
    public const string PushChallenge = "push.challenge";
    public const string PushCounted = "push.counted";
    public const string PushDecision = "push.decision";
    public const string PushDeny = "push.deny";
    public const string PushEnroll = "push.enroll";
    public const string PushEnrollHandle = "push.enroll.handle";
    public const string PushEnrollIssue = "push.enroll.issue";
    public const string PushExpire = "push.expire";
    public const string PushFraudReported = "push.fraud_reported";
    public const string PushSend = "push.send";

    /// <summary>RADIUS decisions, one per answered request (Access-Accept, -Reject, -Challenge, a held push).</summary>
    public const string RadiusAccept = "radius.accept";
    public const string RadiusChallenge = "radius.challenge";
    public const string RadiusHold = "radius.hold";
    /// <summary>A request the backend could not answer (unreadable, past its deadline): no decision was sent.</summary>
    public const string RadiusIgnored = "radius.ignored";
    public const string RadiusReject = "radius.reject";

    /// <summary>Edges connected to the console: token issue and use, refused calls, and the console's stop, restart and revoke.</summary>
    public const string RadiusEdgePrefix = "radius.edge.";
    public const string RadiusEdgeTokenIssue = "radius.edge.token_issue";
    public const string RadiusEdgeConnect = "radius.edge.connect";
    public const string RadiusEdgeConnectRefused = "radius.edge.connect_refused";
    /// <summary>A heartbeat or configuration call with a wrong credential, or from a revoked edge.</summary>
    public const string RadiusEdgeCallRefused = "radius.edge.call_refused";
    public const string RadiusEdgeStop = "radius.edge.stop";
    public const string RadiusEdgeRestart = "radius.edge.restart";
    public const string RadiusEdgeRevoke = "radius.edge.revoke";

    public const string KeysReseal = "keys.reseal";
    public const string KeysRotate = "keys.rotate";

    public const string AdminAccess = "admin.access";
    public const string AdminApiResourceCreate = "admin.api_resource.create";
    public const string AdminAppCreate = "admin.app.create";
    public const string AdminAppDelete = "admin.app.delete";
    public const string AdminAppDeploy = "admin.app.deploy";
    public const string AdminAppSecretRegenerate = "admin.app.secret.regenerate";
    public const string AdminAppUpdate = "admin.app.update";
    public const string AdminEamAppCreate = "admin.eam_app.create";
    public const string AdminEamAppDelete = "admin.eam_app.delete";
    public const string AdminEamLink = "admin.eam_link";
    public const string AdminGroupCreate = "admin.group.create";
    public const string AdminGroupDelete = "admin.group.delete";
    public const string AdminGroupMemberAdd = "admin.group.member.add";
    public const string AdminGroupMemberRemove = "admin.group.member.remove";
    public const string AdminGroupUpdate = "admin.group.update";
    public const string AdminLogin = "admin.login";
    public const string AdminOtpTokenAssign = "admin.otp_token.assign";
    public const string AdminOtpTokenImport = "admin.otp_token.import";
    public const string AdminOtpTokenResync = "admin.otp_token.resync";
    public const string AdminOtpTokenUnassign = "admin.otp_token.unassign";
    public const string AdminPolicyRuleCreate = "admin.policy.rule.create";
    public const string AdminPolicyRuleDelete = "admin.policy.rule.delete";
    public const string AdminPolicyRuleUpdate = "admin.policy.rule.update";
    public const string AdminPolicyUserCreate = "admin.policy.user.create";
    public const string AdminPolicyUserDelete = "admin.policy.user.delete";
    public const string AdminPolicyUserUpdate = "admin.policy.user.update";
    public const string AdminPolicyWorkflowUpdate = "admin.policy.workflow.update";
    public const string AdminPushFraudClear = "admin.push.fraud_clear";
    /// <summary>Applications > Remote access: a RADIUS client added, changed, removed; its shared secret rotated or the previous one retired.</summary>
    public const string AdminRadiusClientCreate = "admin.radius_client.create";
    public const string AdminRadiusClientDelete = "admin.radius_client.delete";
    public const string AdminRadiusClientSecretRetire = "admin.radius_client.secret_retire";
    public const string AdminRadiusClientSecretRotate = "admin.radius_client.secret_rotate";
    public const string AdminRadiusClientUpdate = "admin.radius_client.update";
    public const string AdminReportExport = "admin.report.export";
    public const string AdminSettingsLogo = "admin.settings.logo";
    public const string AdminSettingsLogoRemove = "admin.settings.logo.remove";
    public const string AdminSettingsWeblogin = "admin.settings.weblogin";
    public const string AdminTemporaryCodeIssue = "admin.temporary_code.issue";
    public const string AdminTemporaryCodeRevoke = "admin.temporary_code.revoke";
    public const string AdminUserCreate = "admin.user.create";
    public const string AdminUserDelete = "admin.user.delete";
    public const string AdminUserDisable = "admin.user.disable";
    public const string AdminUserEnable = "admin.user.enable";
    public const string AdminUserMfaRemove = "admin.user.mfa.remove";
    public const string AdminUserMfaReset = "admin.user.mfa.reset";
    public const string AdminUserPassword = "admin.user.password";
    public const string AdminUserUpdate = "admin.user.update";
    /// <summary>An attempt at the first-administrator setup page (/console/setup), successful or not.</summary>
    public const string AdminSetup = "admin.setup";

    public const string HttpBadRequest = "http.bad_request";
}
