using System.Globalization;
using Google.Rpc;
using SmartAudit.Core.Audit;
using V1 = SmartAudit.Contracts.V1;

namespace SmartAudit.Contracts.Mapping;

/// <summary>Limits and calendar a request is checked against.</summary>
/// <param name="MaxLinesPerRequest">Most order lines one request may carry.</param>
/// <param name="UtcOffset">Offset of the fund's local calendar: turns ordered-at instants into service dates.</param>
public sealed record RequestLimits(int MaxLinesPerRequest, TimeSpan UtcOffset)
{
    /// <summary>1,000 lines; UTC+8 (China Standard Time); the default bounds.</summary>
    public static RequestLimits Default { get; } = new(1000, TimeSpan.FromHours(8));

    /// <summary>The plausible range of every number and date. Default <see cref="RequestBounds.Default"/>.</summary>
    public RequestBounds Bounds { get; init; } = RequestBounds.Default;

    /// <summary>Today's date for the birth-date bound. Default the system clock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// Checks a <see cref="V1.CheckRequest"/> field by field and maps it to the domain: the one place the
/// wire meets the core, shared by the server, the CLI (rule tests, backtests) and batch workers. Every problem is
/// collected (not just the first), each as a field path in protobuf form (<c>lines[2].quantity</c>) with a
/// reason a hospital integrator can act on. Nothing is evaluated unless the whole request is valid.
/// </summary>
public sealed class CheckRequestMapper(RequestLimits limits)
{
    private const int MaxIdLength = 64;
    private const int MaxCodeLength = 64;
    private const int MaxDiagnoses = 50;
    private const int MaxModifiers = 8;

    private readonly TimeSpan _offset = limits.UtcOffset;
    private readonly RequestBounds _bounds = limits.Bounds;

    // The instants whose service date can fall inside the bounds, whatever the offset: checked before any
    // arithmetic on a timestamp, so an extreme one (year 1, year 9999) cannot overflow the shift to local time.
    private readonly long _firstInstant = new DateTimeOffset(limits.Bounds.FirstServiceDate.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
    private readonly long _lastInstant = new DateTimeOffset(limits.Bounds.LastServiceDate.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>Maps a valid request; returns null and fills <paramref name="violations"/> otherwise.</summary>
    public AuditRequest? TryMap(V1.CheckRequest request, out BadRequest violations)
    {
        violations = new BadRequest();
        var v = violations;
        void Bad(string field, string reason) => v.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = reason });

        RequiredId(request.RequestId, "request_id", Bad);
        var stage = request.Stage switch
        {
            V1.Stage.Pre => Stage.Pre,
            V1.Stage.Mid => Stage.Mid,
            V1.Stage.Post => Stage.Post,
            V1.Stage.Unspecified => Fail<Stage>(Bad, "stage", "is missing: set PRE, MID or POST"),
            _ => Fail<Stage>(Bad, "stage", $"{(int)request.Stage} is not a known stage (PRE, MID, POST)"),
        };

        var patient = MapPatient(request.Patient, Bad);
        var encounter = MapEncounter(request.Encounter, Bad);
        var lines = MapLines(request.Lines, Bad);

        if (patient is not null)
        {
            foreach (var line in lines)
            {
                if (line.ServiceDate < patient.BirthDate)
                {
                    Bad("patient.birth_date", $"{Iso(patient.BirthDate)} is after the service date {Iso(line.ServiceDate)} of line '{line.LineId}'");
                    break;
                }
            }
        }

        if (violations.FieldViolations.Count > 0)
        {
            return null;
        }

        return new AuditRequest(request.RequestId, stage, patient!, encounter!, lines);
    }

    private Patient? MapPatient(V1.Patient? patient, Action<string, string> bad)
    {
        if (patient is null)
        {
            bad("patient", "is missing");
            return null;
        }

        RequiredId(patient.Id, "patient.id", bad);
        var sex = patient.Sex switch
        {
            V1.Sex.Male => Sex.Male,
            V1.Sex.Female => Sex.Female,
            V1.Sex.Unspecified => Fail<Sex>(bad, "patient.sex", "is missing: set MALE or FEMALE"),
            _ => Fail<Sex>(bad, "patient.sex", $"{(int)patient.Sex} is not a known sex (MALE, FEMALE)"),
        };
        var today = DateOnly.FromDateTime(limits.Clock.GetUtcNow().ToOffset(_offset).DateTime);
        var birth = RequiredDate(patient.BirthDate, "patient.birth_date", _bounds.FirstBirthDate, today, bad);
        var insurance = patient.InsuranceType switch
        {
            V1.InsuranceType.Employee => InsuranceType.Employee,
            V1.InsuranceType.Resident => InsuranceType.Resident,
            V1.InsuranceType.Unspecified => InsuranceType.Unspecified,
            _ => Fail<InsuranceType>(bad, "patient.insurance_type", $"{(int)patient.InsuranceType} is not a known insurance type"),
        };
        MaxLength(patient.Region, "patient.region", MaxCodeLength, bad);
        return birth is null ? null : new Patient(patient.Id, sex, birth.Value, insurance, patient.Region);
    }

    private Encounter? MapEncounter(V1.Encounter? encounter, Action<string, string> bad)
    {
        if (encounter is null)
        {
            bad("encounter", "is missing");
            return null;
        }

        RequiredId(encounter.Id, "encounter.id", bad);
        var kind = encounter.Kind switch
        {
            V1.EncounterKind.Outpatient => EncounterKind.Outpatient,
            V1.EncounterKind.Inpatient => EncounterKind.Inpatient,
            V1.EncounterKind.Pharmacy => EncounterKind.Pharmacy,
            V1.EncounterKind.Unspecified => Fail<EncounterKind>(bad, "encounter.kind", "is missing: set OUTPATIENT, INPATIENT or PHARMACY"),
            _ => Fail<EncounterKind>(bad, "encounter.kind", $"{(int)encounter.Kind} is not a known encounter kind"),
        };
        RequiredId(encounter.HospitalId, "encounter.hospital_id", bad);
        if (encounter.HospitalLevel is < 1 or > 3)
        {
            bad("encounter.hospital_level", $"{encounter.HospitalLevel} is not a hospital level (1, 2 or 3)");
        }

        MaxLength(encounter.Department, "encounter.department", MaxCodeLength, bad);
        MaxLength(encounter.DoctorId, "encounter.doctor_id", MaxIdLength, bad);
        var admission = OptionalDate(encounter.AdmissionDate, "encounter.admission_date", _bounds.FirstServiceDate, _bounds.LastServiceDate, bad);
        var discharge = OptionalDate(encounter.DischargeDate, "encounter.discharge_date", _bounds.FirstServiceDate, _bounds.LastServiceDate, bad);
        if (kind == EncounterKind.Inpatient && encounter.AdmissionDate is null)
        {
            bad("encounter.admission_date", "is required for an INPATIENT encounter");
        }

        if (admission is { } a && discharge is { } d && d < a)
        {
            bad("encounter.discharge_date", $"{Iso(d)} is before admission_date {Iso(a)}");
        }

        if (encounter.DiagnosisCodes.Count > MaxDiagnoses)
        {
            bad("encounter.diagnosis_codes", $"{encounter.DiagnosisCodes.Count} codes; at most {MaxDiagnoses}");
        }

        for (var i = 0; i < encounter.DiagnosisCodes.Count && i < MaxDiagnoses; i++)
        {
            var code = encounter.DiagnosisCodes[i];
            if (string.IsNullOrWhiteSpace(code) || code.Length > 16)
            {
                bad($"encounter.diagnosis_codes[{i}]", "must be an ICD-10 code of 1 to 16 characters");
            }
        }

        return new Encounter(encounter.Id, kind, encounter.HospitalId, encounter.HospitalLevel, encounter.Department,
            admission, discharge, [.. encounter.DiagnosisCodes], encounter.DoctorId);
    }

    private List<OrderLine> MapLines(Google.Protobuf.Collections.RepeatedField<V1.OrderLine> lines, Action<string, string> bad)
    {
        var result = new List<OrderLine>(lines.Count);
        if (lines.Count == 0)
        {
            bad("lines", "is empty: send at least one order line");
            return result;
        }

        if (lines.Count > limits.MaxLinesPerRequest)
        {
            bad("lines", $"{lines.Count} lines; this server takes at most {limits.MaxLinesPerRequest} per request (split the claim)");
            return result;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var at = $"lines[{i}]";
            var before = 0;
            void LineBad(string field, string reason)
            {
                before++;
                bad($"{at}.{field}", reason);
            }

            RequiredId(line.LineId, $"{at}.line_id", (f, r) => LineBad("line_id", r));
            if (line.LineId.Length > 0 && !ids.Add(line.LineId))
            {
                LineBad("line_id", $"'{line.LineId}' is used by an earlier line; line ids must be unique in a request");
            }

            if (string.IsNullOrWhiteSpace(line.ItemCode))
            {
                LineBad("item_code", "is missing");
            }
            else if (line.ItemCode.Length > MaxCodeLength)
            {
                LineBad("item_code", $"is longer than {MaxCodeLength} characters");
            }

            var kind = line.ItemKind switch
            {
                V1.ItemKind.Drug => ItemKind.Drug,
                V1.ItemKind.Service => ItemKind.Service,
                V1.ItemKind.Material => ItemKind.Material,
                V1.ItemKind.Unspecified => Fail<ItemKind>(LineBad, "item_kind", "is missing: set DRUG, SERVICE or MATERIAL"),
                _ => Fail<ItemKind>(LineBad, "item_kind", $"{(int)line.ItemKind} is not a known item kind"),
            };
            if (!double.IsFinite(line.Quantity) || line.Quantity <= 0 || line.Quantity > _bounds.MaxQuantity)
            {
                LineBad("quantity", $"{Number(line.Quantity)} is not a quantity: must be greater than zero and at most {Number(_bounds.MaxQuantity)}");
            }

            if (line.UnitPriceFen < 0 || line.UnitPriceFen > _bounds.MaxAmountFen)
            {
                LineBad("unit_price_fen", $"{line.UnitPriceFen} is out of range (0 to {_bounds.MaxAmountFen} fen)");
            }

            if (line.AmountFen < 0 || line.AmountFen > _bounds.MaxAmountFen)
            {
                LineBad("amount_fen", $"{line.AmountFen} is out of range (0 to {_bounds.MaxAmountFen} fen)");
            }

            if (!double.IsFinite(line.DailyDose) || line.DailyDose < 0 || line.DailyDose > _bounds.MaxDailyDose)
            {
                LineBad("daily_dose", $"{Number(line.DailyDose)} is not a dose: must be zero or more and at most {Number(_bounds.MaxDailyDose)}");
            }

            if (line.DaysOfSupply < 0 || line.DaysOfSupply > _bounds.MaxDaysOfSupply)
            {
                LineBad("days_of_supply", $"{line.DaysOfSupply} is out of range (0 to {_bounds.MaxDaysOfSupply})");
            }

            MaxLength(line.Name, $"{at}.name", 200, (f, r) => LineBad("name", r));
            DateTimeOffset orderedAt = default;
            if (line.OrderedAt is null)
            {
                LineBad("ordered_at", "is missing: it sets the service date");
            }
            else if (line.OrderedAt.Nanos is < 0 or > 999_999_999 || line.OrderedAt.Seconds < _firstInstant || line.OrderedAt.Seconds > _lastInstant)
            {
                LineBad("ordered_at", $"is outside the allowed service dates ({Iso(_bounds.FirstServiceDate)} to {Iso(_bounds.LastServiceDate)}) or not a valid timestamp");
            }
            else
            {
                orderedAt = line.OrderedAt.ToDateTimeOffset().ToOffset(_offset);
                var day = DateOnly.FromDateTime(orderedAt.DateTime);
                if (day < _bounds.FirstServiceDate || day > _bounds.LastServiceDate)
                {
                    LineBad("ordered_at", $"{Iso(day)} is outside the allowed service dates ({Iso(_bounds.FirstServiceDate)} to {Iso(_bounds.LastServiceDate)})");
                }
            }

            if (line.Modifiers.Count > MaxModifiers)
            {
                LineBad("modifiers", $"has {line.Modifiers.Count} entries; at most {MaxModifiers}");
            }
            else
            {
                for (var j = 0; j < line.Modifiers.Count; j++)
                {
                    if (line.Modifiers[j].Length is 0 or > 16)
                    {
                        LineBad($"modifiers[{j}]", "must be 1 to 16 characters");
                    }
                }
            }

            if (before == 0)
            {
                result.Add(new OrderLine(line.LineId, line.ItemCode, kind, line.Name, line.Quantity, line.UnitPriceFen, line.AmountFen,
                    line.DailyDose, line.DaysOfSupply, orderedAt, DateOnly.FromDateTime(orderedAt.DateTime))
                {
                    Modifiers = line.Modifiers.Count == 0 ? [] : [.. line.Modifiers],
                });
            }
        }

        return result;
    }

    private static void RequiredId(string value, string field, Action<string, string> bad)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            bad(field, "is missing");
        }
        else if (value.Length > MaxIdLength)
        {
            bad(field, $"is longer than {MaxIdLength} characters");
        }
    }

    private static void MaxLength(string value, string field, int max, Action<string, string> bad)
    {
        if (value.Length > max)
        {
            bad(field, $"is longer than {max} characters");
        }
    }

    private static DateOnly? RequiredDate(Google.Type.Date? date, string field, DateOnly first, DateOnly last, Action<string, string> bad)
    {
        if (date is null)
        {
            bad(field, "is missing");
            return null;
        }

        return OptionalDate(date, field, first, last, bad);
    }

    private static DateOnly? OptionalDate(Google.Type.Date? date, string field, DateOnly first, DateOnly last, Action<string, string> bad)
    {
        if (date is null)
        {
            return null;
        }

        if (date.Year is < 1 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            bad(field, $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2} is not a calendar date");
            return null;
        }

        var value = new DateOnly(date.Year, date.Month, date.Day);
        if (value < first || value > last)
        {
            bad(field, $"{Iso(value)} is outside the allowed range {Iso(first)} to {Iso(last)}");
            return null;
        }

        return value;
    }

    private static T Fail<T>(Action<string, string> bad, string field, string reason)
        where T : struct
    {
        bad(field, reason);
        return default;
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
