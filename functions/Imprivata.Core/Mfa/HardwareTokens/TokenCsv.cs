using System.Globalization;
using CsvHelper;

namespace Imprivata.Core.Mfa.HardwareTokens;

/// <summary>
/// Reads a token import file: a header with <c>serial</c> and <c>seed</c> and optionally <c>type</c> (totp/hotp),
/// <c>digits</c> (6/8), <c>algorithm</c> (sha1/sha256/sha512), <c>period</c> (seconds) and <c>counter</c> (HOTP start).
/// Every bad line is reported with its line number and a reason; a reason never contains the seed.
/// </summary>
public static class TokenCsv
{
    public const int MaxTokens = 10_000;
    public const int MaxSerialLength = 64;
    private static readonly string[] Known = ["serial", "seed", "type", "digits", "algorithm", "period", "counter"];

    public static TokenCsvResult Parse(TextReader text)
    {
        var tokens = new List<ImportedToken>();
        var errors = new List<TokenCsvError>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MaxRecordSize = 4096,
            // Field values are seeds: never in an exception message that could reach a log.
            IncludeValuesInExceptions = false,
        };
        using var csv = CsvReader.Create(text, options, leaveOpen: true);
        try
        {
            if (!csv.Read())
                return new([], [new(1, "empty_file")]);
            var header = Fields(csv).Select(h => h.ToLowerInvariant()).ToArray();
            if (!header.Contains("serial") || !header.Contains("seed"))
                return new([], [new(1, "header_needs_serial_and_seed")]);
            if (header.Any(h => !Known.Contains(h)))
                return new([], [new(1, "unknown_column")]);
            if (header.Distinct().Count() != header.Length)
                return new([], [new(1, "duplicate_column")]);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            while (csv.Read())
            {
                var line = (int)csv.LineNumber;
                var fields = Fields(csv);
                if (fields.All(string.IsNullOrEmpty))
                    continue;
                if (tokens.Count + errors.Count >= MaxTokens)
                {
                    errors.Add(new(line, "too_many_lines"));
                    break;
                }
                if (fields.Length != header.Length)
                {
                    errors.Add(new(line, "wrong_number_of_fields"));
                    continue;
                }
                var (token, reason) = ReadToken(header.Zip(fields).ToDictionary(p => p.First, p => p.Second));
                if (token is not null && !seen.Add(token.Serial))
                    reason = "duplicate_serial_in_file";
                if (reason is not null)
                    errors.Add(new(line, reason));
                else
                    tokens.Add(token! with { Line = line });
            }
        }
        catch (CsvFormatException e)
        {
            errors.Add(new((int)Math.Max(1, e.LineNumber), "malformed_csv"));
        }
        return new(tokens, errors);
    }

    private static string[] Fields(CsvReader csv)
    {
        var fields = new string[csv.FieldCount];
        for (var i = 0; i < fields.Length; i++)
            fields[i] = csv.GetString(i).Trim();
        return fields;
    }

    private static (ImportedToken? Token, string? Reason) ReadToken(Dictionary<string, string> row)
    {
        var serial = row["serial"];
        if (serial.Length is 0 or > MaxSerialLength || serial.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            return (null, "serial_invalid");
        if (TokenSeed.Parse(row["seed"]) is not { } seed)
            return (null, "seed_not_hex_or_base32");
        if (seed.Length is < TokenSeed.MinBytes or > TokenSeed.MaxBytes)
            return (null, "seed_length_out_of_range");

        var kind = (row.GetValueOrDefault("type") ?? "").ToLowerInvariant() switch
        {
            "" or "totp" => OtpKind.Totp,
            "hotp" => OtpKind.Hotp,
            _ => (OtpKind)(-1),
        };
        if (!Enum.IsDefined(kind))
            return (null, "type_invalid");
        var algorithm = (row.GetValueOrDefault("algorithm") ?? "").ToLowerInvariant().Replace("-", "", StringComparison.Ordinal) switch
        {
            "" or "sha1" => OtpAlgorithm.Sha1,
            "sha256" => OtpAlgorithm.Sha256,
            "sha512" => OtpAlgorithm.Sha512,
            _ => (OtpAlgorithm)(-1),
        };
        if (!Enum.IsDefined(algorithm))
            return (null, "algorithm_invalid");
        if (!TryNumber(row, "digits", 6, out var digits) || digits is not (6 or 8))
            return (null, "digits_invalid");
        if (!TryNumber(row, "period", 30, out var period) || period is < 10 or > 300)
            return (null, "period_invalid");
        if (!TryNumber(row, "counter", 0, out var counter) || counter < 0 || (counter > 0 && kind != OtpKind.Hotp))
            return (null, "counter_invalid");
        var otp = new OtpParameters { Kind = kind, Algorithm = algorithm, Digits = (int)digits, Period = (int)period };
        return (new ImportedToken(serial, seed, otp, counter, 0), null);
    }

    private static bool TryNumber(Dictionary<string, string> row, string column, long fallback, out long value)
    {
        var text = row.GetValueOrDefault(column) ?? "";
        value = fallback;
        return text.Length == 0 || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}

public sealed record ImportedToken(string Serial, byte[] Secret, OtpParameters Otp, long Counter, int Line);

public sealed record TokenCsvError(int Line, string Reason);

public sealed record TokenCsvResult(IReadOnlyList<ImportedToken> Tokens, IReadOnlyList<TokenCsvError> Errors);
