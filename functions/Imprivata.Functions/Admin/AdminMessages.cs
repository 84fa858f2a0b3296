namespace Imprivata.Functions.Admin;

/// <summary>
/// Human text for the reason codes shown on console pages, and the labels of form fields for messages that name one.
/// Unknown codes get a generic sentence (never echoed raw); every code the admin services return has its own sentence.
/// </summary>
public static class AdminMessages
{
    private static readonly Dictionary<string, string> Text = new(StringComparer.Ordinal)
    {
        ["username_invalid"] = "Usernames use letters (any alphabet), digits and . _ - ' + @ only: no spaces, slashes or other symbols (at most 64 characters).",
        ["username_taken"] = "That username is already taken.",
        ["password_required"] = "A password is required.",
        ["password_too_short"] = "The password is too short: use at least 12 characters.",
        ["password_too_long"] = "The password is too long.",
        ["field_invalid"] = "A field is invalid.",
        ["not_found"] = "It no longer exists.",
        ["invalid_admin_name"] = "The name is required (at most 128 characters).",
        ["invalid_display_name"] = "The name users see is required (at most 128 characters).",
        ["invalid_tenant_ids"] = "Enter one to 50 Entra tenant IDs (GUIDs, such as 0b5e1a4c-7a43-4f5e-9d3e-1f2a3b4c5d6e), one per line.",
        ["invalid_app_id"] = "The App ID is the Application (client) ID of the app registration in Entra: a GUID.",
        ["invalid_clouds"] = "Choose at least one of Entra's redirect URIs.",
        ["invalid_tenant_id"] = "The Entra tenant ID is a GUID.",
        ["invalid_object_id"] = "The Entra object ID is required.",
        ["unknown_user"] = "That user does not exist.",
        ["group_name_invalid"] = "The group needs a name (at most 128 characters) and a description of at most 256 characters.",
        ["group_name_taken"] = "A group with that name already exists (names are compared without regard to case).",
        ["member_not_found"] = "That member does not exist.",
        ["member_invalid"] = "That member is invalid.",
        ["group_cycle"] = "A group cannot be nested inside itself.",
        ["cannot_change_own_access"] = "You cannot disable, demote or delete your own account.",
        ["name_invalid"] = "Both names are required (at most 128 characters).",
        ["redirect_uri_invalid"] = "A redirect URI is not a valid absolute URI.",
        ["redirect_uri_fragment"] = "Redirect URIs may not contain a fragment (#).",
        ["redirect_uri_not_https"] = "Redirect URIs must use https (http only on a loopback address).",
        ["redirect_uri_required"] = "At least one redirect URI is required.",
        ["too_many_redirect_uris"] = "Too many redirect URIs (at most 20).",
        ["backchannel_logout_uri_invalid"] = "The back-channel logout URI must be an absolute https URI without a fragment (http only on a loopback address).",
        ["deployment_invalid"] = "The deployment choices are invalid.",
        ["color_invalid"] = "The colour must be #RRGGBB.",
        ["timeout_out_of_range"] = "The automatic logout must be off or between 30 minutes and 4 days.",
        ["logo_empty"] = "The logo file is empty.",
        ["logo_too_large"] = "The logo is larger than 250 KB.",
        ["logo_type_invalid"] = "The file is not a PNG, GIF or JPG image (or it is damaged).",
        ["logo_dimensions_too_large"] = "The logo may be at most 200 x 150 pixels.",
        // OTP tokens
        ["file_invalid"] = "Choose a CSV file of at most 2 MB.",
        ["empty_file"] = "The file is empty.",
        ["no_tokens"] = "The file contains no tokens.",
        ["header_needs_serial_and_seed"] = "The first line must be a header with the columns serial and seed.",
        ["unknown_column"] = "The header has a column other than serial, seed, type, digits, algorithm, period, counter.",
        ["duplicate_column"] = "The header names a column twice.",
        ["wrong_number_of_fields"] = "The line has a different number of fields than the header.",
        ["malformed_csv"] = "The line is not valid CSV (check the quotes).",
        ["too_many_lines"] = "The file has more than 10,000 tokens.",
        ["serial_invalid"] = "The serial is missing, too long or contains spaces.",
        ["seed_not_hex_or_base32"] = "The seed is neither hex nor base32.",
        ["seed_length_out_of_range"] = "The seed must be 16 to 64 bytes (128 to 512 bits).",
        ["type_invalid"] = "The type must be totp or hotp.",
        ["algorithm_invalid"] = "The algorithm must be sha1, sha256 or sha512.",
        ["digits_invalid"] = "Digits must be 6 or 8.",
        ["period_invalid"] = "The period must be 10 to 300 seconds.",
        ["counter_invalid"] = "The counter must be a whole number, and only HOTP tokens have one.",
        ["duplicate_serial_in_file"] = "The serial appears earlier in the file.",
        ["serial_already_imported"] = "A token with this serial is already in the inventory.",
        ["user_not_found"] = "There is no user with that username.",
        ["token_not_found"] = "There is no token with that serial.",
        ["token_already_assigned"] = "That token is already assigned.",
        ["token_not_assigned"] = "That token is not assigned to anyone.",
        ["resync_needs_hotp"] = "Only HOTP (counter) tokens need resynchronizing.",
        ["wrong_code"] = "The codes do not match the token: enter two consecutive codes.",
        ["malformed_code"] = "A code has the wrong number of digits.",
        ["contended"] = "Someone changed it at the same moment: try again.",
        // Temporary codes
        ["cannot_issue_for_self"] = "You cannot issue a temporary code for yourself: ask another administrator.",
        ["validity_invalid"] = "Choose one of the offered validity periods.",
        ["no_temporary_code"] = "The user has no active temporary code.",
        ["user_disabled"] = "The user is disabled.",
        ["issuer_may_not_stand_in"] = "Only a superadmin's temporary code stands in for an administrator's second factor.",
        ["member_missing"] = "Choose a user or group to add.",
        // Roles
        [AdminPrincipal.AdministratorAccount] = "Only a superadmin can change an administrator's enrolled methods, temporary codes or push fraud alerts.",
        // Policies
        ["policy_name_invalid"] = "The user policy needs a name of at most 128 characters.",
        ["policy_name_taken"] = "A user policy with that name already exists.",
        ["rule_name_invalid"] = "The enrollment rule needs a name of at most 128 characters.",
        ["rule_name_taken"] = "An enrollment rule with that name already exists.",
        ["description_too_long"] = "The description is too long (at most 1,024 characters).",
        ["order_invalid"] = "The order must be a whole number from 0 to 100,000.",
        ["too_many_members"] = "A user policy lists at most 500 users, groups, OUs and domains of each kind.",
        ["ou_invalid"] = "An OU path is empty or too long.",
        ["domain_invalid"] = "A domain is not a valid domain name (letters, digits and hyphens, separated by dots).",
        ["default_policy_has_no_members"] = "The default policy has no members of its own: it applies to everyone no other policy includes.",
        ["default_policy_cannot_be_deleted"] = "The default policy cannot be deleted.",
        ["rule_not_found"] = "That enrollment rule no longer exists.",
        ["policy_not_found"] = "That user policy no longer exists.",
        ["rule_in_use"] = "User policies still belong to this enrollment rule: move them to another rule first.",
        ["default_rule_cannot_be_deleted"] = "The default enrollment rule cannot be deleted.",
        ["factor_invalid"] = "An unknown second factor was chosen.",
        ["factor_not_allowed"] = "That second factor cannot be chosen here.",
        ["factor_required"] = "A workflow with user policies needs at least one second factor, or its users could not sign in.",
        ["unenrolled_access_invalid"] = "Choose what unenrolled users may do.",
        ["prompt_invalid"] = "Choose where users enroll.",
        // Remote access (RADIUS clients)
        ["radius_client_name_invalid"] = "The RADIUS client needs a name of at most 64 characters, without leading or trailing spaces.",
        ["radius_client_name_taken"] = "A RADIUS client with that name already exists (names are compared without regard to case).",
        ["radius_client_type_invalid"] = "Choose one of the listed client types.",
        ["nas_address_invalid"] = "This is not an IP address or a network (10.0.0.0/24).",
        ["too_many_nas_addresses"] = "A RADIUS client lists at most 50 NAS addresses.",
        ["first_factor_invalid"] = "Choose who checks the password: the directory, the edge's LDAP server, or the gateway itself.",
        ["ldap_profile_required"] = "With LDAP as the first factor, name the edge's LDAP profile (its Ldap:<profile> settings).",
        ["ldap_profile_invalid"] = "The LDAP profile name uses letters, digits, - and _ only (at most 64 characters).",
        ["push_timeout_invalid"] = "The push timeout must be 5 to 60 seconds.",
        ["secret_invalid"] = "The shared secret must be 22 to 64 printable characters, without spaces.",
        ["group_attributes_invalid"] = "Write each rule as <group or *>: Name=value; Name=value (at most 50 rules of 20 attributes).",
        ["radius_group_not_found"] = "There is no directory group of that name (use *, a group name, or an LDAP group DN).",
        ["radius_attribute_invalid"] = "An attribute is not in the edge's dictionary, its value has the wrong form, or the edge sets it itself.",
        ["radius_secret_retire_first"] = "Two shared secrets are active: retire the previous one before rotating again.",
        ["radius_no_previous_secret"] = "There is no previous shared secret to retire.",
        ["radius_secret_reused"] = "That shared secret is already active: choose a new one.",
        // Fraud alerts
        ["not_fraud_blocked"] = "Pushes to this user are not stopped (someone may have cleared the alert already).",
    };

    /// <summary>Labels of the console's form fields, for messages that name the field.</summary>
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["username"] = "Username", ["displayName"] = "Display name", ["email"] = "Email", ["phone"] = "Phone", ["domain"] = "Domain",
        ["organizationalUnit"] = "OU", ["adminRole"] = "Administrator role", ["password"] = "Password",
        ["name"] = "Name", ["description"] = "Description", ["order"] = "Order", ["q"] = "Search",
        ["adminName"] = "Application profile name", ["redirectUris"] = "Redirect URIs", ["postLogoutRedirectUris"] = "Post-logout redirect URIs",
        ["backchannelLogoutUri"] = "Back-channel logout URI", ["organizationalUnits"] = "OUs", ["domains"] = "Domains",
        ["backgroundColor"] = "Background colour", ["sessionTimeoutMinutes"] = "Automatic logout", ["serial"] = "Serial",
        ["type"] = "Client type", ["nasAddresses"] = "NAS addresses", ["firstFactor"] = "First factor", ["ldapProfile"] = "LDAP profile",
        ["pushTimeoutSeconds"] = "Push timeout", ["secret"] = "Shared secret", ["groupAttributes"] = "Group attributes",
        ["firstCode"] = "First code", ["logo"] = "Logo", ["secondCode"] = "Next code", ["validity"] = "Validity", ["userq"] = "Find users", ["groupq"] = "Find groups",
    };

    /// <summary>A form field's label; unknown names are shown as sent, made printable and short.</summary>
    public static string FieldLabel(string name) =>
        Labels.TryGetValue(name, out var label) ? label
            : new string([.. name.Take(64).Select(c => char.IsControl(c) ? '\uFFFD' : c)]);

    public const string Fallback = "The change could not be made.";

    public static string Describe(string code) => Text.GetValueOrDefault(code, Fallback);

    /// <summary>The sentence for a code, prefixed with the field and line it applies to ("Redirect URIs, line 3: ...").</summary>
    public static string Describe(string code, string? field, int? line)
    {
        var text = Describe(code);
        if (field is null)
            return line is { } l ? $"Line {l}: {text}" : text;
        return line is { } n ? $"{FieldLabel(field)}, line {n}: {text}" : $"{FieldLabel(field)}: {text}";
    }

    /// <summary>Whether a code has its own sentence (not the generic one).</summary>
    public static bool Knows(string code) => Text.ContainsKey(code);
}
