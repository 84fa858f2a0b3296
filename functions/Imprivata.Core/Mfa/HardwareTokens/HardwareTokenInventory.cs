using Imprivata.Core.Mfa.Otp;

namespace Imprivata.Core.Mfa.HardwareTokens;

/// <summary>
/// Import, assignment and resync of hardware tokens. Assigning claims the inventory row first (ETag), then creates the
/// user's confirmed OTP enrollment with <see cref="Enrollment.Serial"/> (indexed, so a serial is enrolled at most once);
/// if that fails the claim is released. Audit is the caller's (it knows the acting administrator).
/// </summary>
public sealed class HardwareTokenInventory(IHardwareTokenStore tokens, IEnrollmentStore enrollments, OtpTokenVerifier verifier, TimeProvider time)
{
    /// <summary>
    /// Validates the whole file first: with any bad line nothing is imported (fix the file, upload again, no half imports
    /// to untangle). Serials already in the inventory are reported like bad lines.
    /// </summary>
    public async Task<TokenImportResult> ImportAsync(TextReader csv, string importedBy, CancellationToken ct)
    {
        var parsed = TokenCsv.Parse(csv);
        var errors = parsed.Errors.ToList();
        foreach (var token in parsed.Tokens)
        {
            if (await tokens.FindAsync(token.Serial, ct).ConfigureAwait(false) is not null)
                errors.Add(new(token.Line, "serial_already_imported"));
        }
        if (errors.Count > 0 || parsed.Tokens.Count == 0)
            return new(0, errors.Count > 0 ? [.. errors.OrderBy(e => e.Line)] : [new(1, "no_tokens")]);

        var imported = 0;
        var now = time.GetUtcNow();
        foreach (var token in parsed.Tokens)
        {
            var added = await tokens.TryAddAsync(new HardwareToken
            {
                Serial = token.Serial,
                Secret = token.Secret,
                Otp = token.Otp,
                Counter = token.Counter,
                ImportedAt = now,
                ImportedBy = importedBy,
            }, ct).ConfigureAwait(false);
            if (added)
                imported++;
            else
                errors.Add(new(token.Line, "serial_already_imported")); // a concurrent import won the race
        }
        return new(imported, errors);
    }

    public async Task<IReadOnlyList<HardwareToken>> ListAsync(CancellationToken ct)
    {
        var list = new List<HardwareToken>();
        await foreach (var token in tokens.ListAsync(ct).ConfigureAwait(false))
            list.Add(token);
        return [.. list.OrderBy(t => t.Serial, StringComparer.OrdinalIgnoreCase)];
    }

    public async Task<TokenResult> AssignAsync(string serial, string userId, CancellationToken ct)
    {
        var token = await tokens.FindAsync(serial, ct).ConfigureAwait(false);
        if (token is null)
            return TokenResult.Fail(TokenErrors.NotFound);
        if (token.AssignedUserId is not null)
            return TokenResult.Fail(TokenErrors.AlreadyAssigned);
        var now = time.GetUtcNow();
        var enrollmentId = Guid.NewGuid().ToString("N");
        var claimed = await tokens.TryUpdateAsync(token with { AssignedUserId = userId, AssignedEnrollmentId = enrollmentId, AssignedAt = now }, ct).ConfigureAwait(false);
        if (claimed is null)
            return TokenResult.Fail(TokenErrors.AlreadyAssigned);
        try
        {
            var enrollment = await enrollments.AddAsync(new Enrollment
            {
                Id = enrollmentId,
                UserId = userId,
                Factor = Factor.OtpToken,
                Label = "Hardware token " + token.Serial,
                CreatedAt = now,
                // The administrator hands the physical token over: possession is established out of band.
                Confirmed = true,
                Secret = token.Secret,
                Otp = token.Otp,
                Counter = token.Counter,
                Serial = token.Serial,
            }, ct).ConfigureAwait(false);
            return TokenResult.Ok(claimed, enrollment);
        }
        catch
        {
            await tokens.TryUpdateAsync(claimed with { AssignedUserId = null, AssignedEnrollmentId = null, AssignedAt = null }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Removes the user's enrollment and returns the token to the inventory with the counter it reached.</summary>
    public async Task<TokenResult> UnassignAsync(string serial, CancellationToken ct)
    {
        var token = await tokens.FindAsync(serial, ct).ConfigureAwait(false);
        if (token is null)
            return TokenResult.Fail(TokenErrors.NotFound);
        if (token.AssignedUserId is null)
            return TokenResult.Fail(TokenErrors.NotAssigned);
        var enrollment = await enrollments.FindByIndexAsync(EnrollmentIndexes.Serial, serial, ct).ConfigureAwait(false);
        var counter = token.Counter;
        if (enrollment is not null)
        {
            counter = Math.Max(counter, enrollment.Counter);
            await enrollments.DeleteAsync(enrollment.UserId, enrollment.Id, ct).ConfigureAwait(false);
        }
        var released = await tokens.TryUpdateAsync(token with { AssignedUserId = null, AssignedEnrollmentId = null, AssignedAt = null, Counter = counter }, ct).ConfigureAwait(false);
        return released is null ? TokenResult.Fail(TokenErrors.Contended) : TokenResult.Ok(released, enrollment);
    }

    /// <summary>Administrator resync of an assigned HOTP token with two consecutive codes read off the token.</summary>
    public async Task<TokenResult> ResyncAsync(string serial, string first, string second, CancellationToken ct)
    {
        var token = await tokens.FindAsync(serial, ct).ConfigureAwait(false);
        if (token is null)
            return TokenResult.Fail(TokenErrors.NotFound);
        var enrollment = await enrollments.FindByIndexAsync(EnrollmentIndexes.Serial, serial, ct).ConfigureAwait(false);
        if (enrollment is null)
            return TokenResult.Fail(TokenErrors.NotAssigned);
        var result = await verifier.ResyncAsync(enrollment.UserId, enrollment.Id, first, second, ct).ConfigureAwait(false);
        return result.Succeeded ? TokenResult.Ok(token, result.Enrollment) : TokenResult.Fail(result.Reason);
    }
}

/// <summary>Index kinds of <see cref="IEnrollmentStore.FindByIndexAsync"/> (same values as the Tables store's).</summary>
public static class EnrollmentIndexes
{
    public const string Serial = "serial";
}

public sealed record TokenImportResult(int Imported, IReadOnlyList<TokenCsvError> Errors);

public sealed record TokenResult
{
    public HardwareToken? Token { get; private init; }
    public Enrollment? Enrollment { get; private init; }
    public string? Error { get; private init; } = "unknown";
    public bool Succeeded => Error is null;

    public static TokenResult Ok(HardwareToken token, Enrollment? enrollment) => new() { Token = token, Enrollment = enrollment, Error = null };
    public static TokenResult Fail(string error) => new() { Error = error };
}

public static class TokenErrors
{
    public const string NotFound = "token_not_found";
    public const string AlreadyAssigned = "token_already_assigned";
    public const string NotAssigned = "token_not_assigned";
    public const string Contended = "contended";
}
