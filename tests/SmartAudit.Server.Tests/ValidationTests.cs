using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using SmartAudit.Contracts.V1;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

[Collection(ServerCollection.Name)]
public class ValidationTests(ServerFixture fixture)
{
    public static TheoryData<string, string, string> BadRequests => new()
    {
        // case name, field expected in the BadRequest, words expected in its description
        { "missing stage", "stage", "missing" },
        { "negative quantity", "lines[0].quantity", "greater than zero" },
        { "unknown sex", "patient.sex", "not a known sex" },
        { "birth date after service date", "patient.birth_date", "after the service date" },
        { "missing request id", "request_id", "missing" },
        { "hospital level 5", "encounter.hospital_level", "1, 2 or 3" },
        { "duplicate line id", "lines[1].line_id", "unique" },
        { "missing ordered_at", "lines[0].ordered_at", "missing" },
        { "inpatient without admission date", "encounter.admission_date", "required" },
        { "no lines", "lines", "at least one" },
        { "impossible birth date", "patient.birth_date", "not a calendar date" },
        // Extreme values are refused at the edge, naming the allowed range (a quantity of 1e39 once overflowed a model feature and stopped the server)
        { "quantity 1e39", "lines[0].quantity", "at most 100000" },
        { "unit price above 10^10 fen", "lines[0].unit_price_fen", "0 to 10000000000 fen" },
        { "amount near long.MaxValue", "lines[0].amount_fen", "0 to 10000000000 fen" },
        { "daily dose above 10^6", "lines[0].daily_dose", "at most 1000000" },
        { "367 days of supply", "lines[0].days_of_supply", "0 to 366" },
        { "ordered in year 9999", "lines[0].ordered_at", "2000-01-01 to 2099-12-31" },
        { "ordered in year 1", "lines[0].ordered_at", "2000-01-01 to 2099-12-31" },
        { "ordered in 1999", "lines[0].ordered_at", "1999-12-31 is outside the allowed service dates" },
        { "born before 1900", "patient.birth_date", "outside the allowed range 1900-01-01 to" },
        { "born in the future", "patient.birth_date", "outside the allowed range 1900-01-01 to" },
        { "admitted in year 1", "encounter.admission_date", "outside the allowed range 2000-01-01 to 2099-12-31" },
        { "empty second modifier", "lines[0].modifiers[1]", "1 to 16 characters" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Check_InvalidField_InvalidArgumentNamingTheField(string caseName, string field, string reason)
    {
        var request = Break(WireOrders.Request(), caseName);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Host.Client.CheckAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations;
        var violation = Assert.Single(violations, v => v.Field == field);
        Assert.Contains(reason, violation.Description);
        Assert.Contains(field, error.Status.Detail);
        Assert.DoesNotContain("Exception", error.Status.Detail);
    }

    [Fact]
    public async Task Check_SeveralBadFields_EveryOneIsNamed()
    {
        var request = WireOrders.Request();
        request.Stage = Stage.Unspecified;
        request.Lines[0].Quantity = -1;
        request.Encounter.HospitalLevel = 0;

        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Host.Client.CheckAsync(request));

        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "stage", "lines[0].quantity", "encounter.hospital_level" }, fields);
    }

    [Fact]
    public async Task Check_MoreLinesThanTheLimit_InvalidArgumentOnLines()
    {
        var lines = Enumerable.Range(1, 1001).Select(i => WireOrders.Line(lineId: i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Host.Client.CheckAsync(WireOrders.Request(lines: lines)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("lines", violation.Field);
        Assert.Contains("at most 1000", violation.Description);
    }

    [Fact]
    public async Task Check_MessageLargerThanTheLimit_ResourceExhausted()
    {
        var request = WireOrders.Request();
        request.Lines[0].Name = new string('x', 5 * 1024 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Host.Client.CheckAsync(request));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Check_ValuesAtTheBounds_AreAuditedAndOverQuantityStillFires()
    {
        // quantity, daily dose and amount at their largest allowed values: a valid order, audited, and far over the drug's maximum dose
        var line = WireOrders.Line("XC10AAA200A001", quantity: 100_000, unitPriceFen: 100_000, dailyDose: 1_000_000, daysOfSupply: 366);
        Assert.Equal(10_000_000_000, line.AmountFen);

        var response = await fixture.Host.Client.CheckAsync(WireOrders.Request("R-bounds", Stage.Mid, Sex.Male, line));

        Assert.Contains(response.Findings, f => f.Category == "EXCESS_QUANTITY");
        Assert.Equal(42, (await fixture.Host.Client.PingAsync(new PingRequest { Sequence = 42 })).Sequence);
    }

    private static CheckRequest Break(CheckRequest request, string caseName)
    {
        switch (caseName)
        {
            case "missing stage": request.Stage = Stage.Unspecified; break;
            case "negative quantity": request.Lines[0].Quantity = -2; break;
            case "unknown sex": request.Patient.Sex = (Sex)7; break;
            case "birth date after service date": request.Patient.BirthDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 11 }; break;
            case "missing request id": request.RequestId = ""; break;
            case "hospital level 5": request.Encounter.HospitalLevel = 5; break;
            case "duplicate line id": request.Lines.Add(WireOrders.Line(lineId: request.Lines[0].LineId)); break;
            case "missing ordered_at": request.Lines[0].OrderedAt = null; break;
            case "inpatient without admission date": request.Encounter.Kind = EncounterKind.Inpatient; break;
            case "no lines": request.Lines.Clear(); break;
            case "impossible birth date": request.Patient.BirthDate = new Google.Type.Date { Year = 1990, Month = 2, Day = 30 }; break;
            case "quantity 1e39": request.Stage = Stage.Mid; request.Lines[0].Quantity = 1e39; break;
            case "unit price above 10^10 fen": request.Lines[0].UnitPriceFen = 10_000_000_001; break;
            case "amount near long.MaxValue": request.Lines[0].AmountFen = long.MaxValue - 1; break;
            case "daily dose above 10^6": request.Lines[0].DailyDose = 1_000_001; break;
            case "367 days of supply": request.Lines[0].DaysOfSupply = 367; break;
            case "ordered in year 9999": request.Lines[0].OrderedAt = new Timestamp { Seconds = 253402300799L }; break;
            case "ordered in year 1": request.Lines[0].OrderedAt = new Timestamp { Seconds = -62135596800L }; break;
            case "ordered in 1999": request.Lines[0].OrderedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(1999, 12, 31, 12, 0, 0, TimeSpan.Zero)); break;
            case "born before 1900": request.Patient.BirthDate = new Google.Type.Date { Year = 1899, Month = 12, Day = 31 }; break;
            case "born in the future": request.Patient.BirthDate = new Google.Type.Date { Year = DateTime.UtcNow.Year + 1, Month = 1, Day = 1 }; break;
            case "admitted in year 1": request.Encounter.AdmissionDate = new Google.Type.Date { Year = 1, Month = 1, Day = 1 }; break;
            case "empty second modifier": request.Lines[0].Modifiers.Add(["A", ""]); break;
            default: throw new ArgumentOutOfRangeException(nameof(caseName), caseName, "no such case");
        }

        return request;
    }
}
