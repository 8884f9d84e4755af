using System.ComponentModel.DataAnnotations;

namespace SmartAudit.Contracts.Mapping;

/// <summary>
/// The plausible range of every number and date a request may carry. A value outside it is refused at the
/// edge (INVALID_ARGUMENT naming the field and the range) so that no extreme value reaches the engine, the
/// fraud model's features, a sum or a log writer. The defaults are far beyond any real order, so the rules
/// for excess quantity and over-standard prices still fire on every order a hospital can actually write.
/// Section <c>Audit:Bounds</c> on the server, <c>AuditWorker:Bounds</c> on the POST worker.
/// </summary>
public sealed class RequestBounds : IValidatableObject
{
    /// <summary>The defaults below.</summary>
    public static RequestBounds Default { get; } = new();

    /// <summary>Largest quantity of one order line. Default 100,000.</summary>
    [Range(1d, 1e9)]
    public double MaxQuantity { get; set; } = 100_000;

    /// <summary>Largest unit price and largest line amount, in fen. Default 10^10 fen (100 million yuan).</summary>
    [Range(1d, 1e15)]
    public long MaxAmountFen { get; set; } = 10_000_000_000;

    /// <summary>Largest daily dose of a drug line, in the catalogue's dose unit. Default 1,000,000.</summary>
    [Range(1d, 1e12)]
    public double MaxDailyDose { get; set; } = 1_000_000;

    /// <summary>Most days of supply of a drug line. Default 366.</summary>
    [Range(1, 3660)]
    public int MaxDaysOfSupply { get; set; } = 366;

    /// <summary>Earliest service date (ordered-at, admission and discharge dates). Default 2000-01-01.</summary>
    public DateOnly FirstServiceDate { get; set; } = new(2000, 1, 1);

    /// <summary>Latest service date. Default 2099-12-31.</summary>
    public DateOnly LastServiceDate { get; set; } = new(2099, 12, 31);

    /// <summary>Earliest birth date. Default 1900-01-01; the latest is always today in the fund's calendar.</summary>
    public DateOnly FirstBirthDate { get; set; } = new(1900, 1, 1);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FirstServiceDate <= DateOnly.MinValue.AddDays(1) || LastServiceDate >= DateOnly.MaxValue.AddDays(-2) || FirstServiceDate > LastServiceDate)
        {
            yield return new ValidationResult("FirstServiceDate must not be after LastServiceDate, both between 0001-01-03 and 9999-12-28",
                [nameof(FirstServiceDate), nameof(LastServiceDate)]);
        }
    }
}
