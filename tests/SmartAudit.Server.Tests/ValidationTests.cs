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
            default: throw new ArgumentOutOfRangeException(nameof(caseName), caseName, "no such case");
        }

        return request;
    }
}
