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
    };

    public static string Describe(string code) => Text.GetValueOrDefault(code, "The change could not be made.");
}
