using System.Globalization;
using CsvHelper;

namespace Imprivata.Functions.Admin.Reports;

/// <summary>
/// Report exports as RFC 4180 CSV (UTF-8 with a BOM so spreadsheets read accents). Cells that a spreadsheet would run as a
/// formula (starting with = + - @, tab or CR: OWASP "CSV Injection") get a leading apostrophe and are quoted.
/// </summary>
public static class ReportCsv
{
    private static readonly CsvWriterOptions Options = new()
    {
        Injection = CsvInjection.Escape,
        WriteByteOrderMark = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static async Task<byte[]> WriteAsync(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var csv = CsvWriter.Create(buffer, Options, leaveOpen: true))
        {
            csv.WriteHeader([.. header]);
            foreach (var row in rows)
                await csv.WriteRecordAsync([.. row.Select(cell => cell ?? "")], ct);
            await csv.FlushAsync(ct);
        }
        return buffer.ToArray();
    }

    public static string Time(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    public static IResult File(byte[] content, string name) =>
        Results.File(content, "text/csv; charset=utf-8", name);
}
