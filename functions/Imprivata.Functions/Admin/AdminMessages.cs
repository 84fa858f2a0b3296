namespace Imprivata.Functions.Admin;

/// <summary>Human text for the reason codes shown on console pages; unknown codes get a generic sentence (never echoed raw).</summary>
public static class AdminMessages
{
    private static readonly Dictionary<string, string> Text = new(StringComparer.Ordinal)
    {
        ["username_invalid"] = "Usernames use letters, digits and . _ - @ only (at most 64).",
        ["username_taken"] = "That username is already taken.",
        ["password_required"] = "A password is required.",
        ["password_too_short"] = "The password is too short: use at least 12 characters.",
        ["password_too_long"] = "The password is too long.",
        ["field_invalid"] = "A field is invalid.",
        ["not_found"] = "It no longer exists.",
        ["group_name_invalid"] = "The group name is invalid.",
        ["member_not_found"] = "That member does not exist.",
        ["member_invalid"] = "That member is invalid.",
        ["group_cycle"] = "A group cannot be nested inside itself.",
        ["cannot_change_own_access"] = "You cannot disable, demote or delete your own account.",
        ["name_invalid"] = "Both names are required (at most 128 characters).",
        ["redirect_uri_invalid"] = "A redirect URI is not a valid absolute URI.",
        ["redirect_uri_fragment"] = "Redirect URIs may not contain a fragment (#).",
        ["redirect_uri_not_https"] = "Redirect URIs must use https (http only on a loopback address).",
        ["redirect_uri_required"] = "At least one redirect URI is required.",
        ["too_many_redirect_uris"] = "Too many redirect URIs.",
        ["deployment_invalid"] = "The deployment choices are invalid.",
        ["color_invalid"] = "The colour must be #RRGGBB.",
        ["timeout_out_of_range"] = "The automatic logout must be off or between 30 minutes and 4 days.",
        ["logo_empty"] = "The logo file is empty.",
        ["logo_too_large"] = "The logo is larger than 250 KB.",
        ["logo_type_invalid"] = "The logo must be a PNG, GIF or JPG image.",
        ["logo_dimensions_too_large"] = "The logo may be at most 200 x 150 pixels.",
    };

    public static string Describe(string code) => Text.GetValueOrDefault(code, "The change could not be made.");
}
