using Google.Protobuf.WellKnownTypes;
using SmartAudit.Contracts.V1;

namespace SmartAudit.Testing;

/// <summary>Builders for wire-format requests: a valid adult outpatient order at a level-3 hospital by default.</summary>
public static class WireOrders
{
    public static readonly DateTimeOffset OrderedAt = new(2026, 3, 10, 9, 30, 0, TimeSpan.FromHours(8));

    public static OrderLine Line(string itemCode = "XB05BBN001A001", string lineId = "1", ItemKind kind = ItemKind.Drug,
        double quantity = 1, long unitPriceFen = 500, double dailyDose = 0, int daysOfSupply = 0) => new()
    {
        LineId = lineId,
        ItemCode = itemCode,
        ItemKind = kind,
        Quantity = quantity,
        UnitPriceFen = unitPriceFen,
        AmountFen = (long)(unitPriceFen * quantity),
        DailyDose = dailyDose,
        DaysOfSupply = daysOfSupply,
        OrderedAt = Timestamp.FromDateTimeOffset(OrderedAt),
    };

    public static CheckRequest Request(string requestId = "R1", Stage stage = Stage.Pre, Sex sex = Sex.Female, params OrderLine[] lines)
    {
        var request = new CheckRequest
        {
            RequestId = requestId,
            Stage = stage,
            Patient = new Patient
            {
                Id = "P0001",
                Sex = sex,
                BirthDate = new Google.Type.Date { Year = 1980, Month = 6, Day = 1 },
                InsuranceType = InsuranceType.Employee,
                Region = "310000",
            },
            Encounter = new Encounter
            {
                Id = "E0001",
                Kind = EncounterKind.Outpatient,
                HospitalId = "H310101",
                HospitalLevel = 3,
                Department = "GEN",
                DiagnosisCodes = { "J06.9" },
                DoctorId = "D001",
            },
        };
        request.Lines.AddRange(lines.Length > 0 ? lines : [Line()]);
        return request;
    }

    /// <summary>A five-line order where two lines break a rule: the shape the latency figures quote.</summary>
    public static CheckRequest FiveLineOrder(string requestId = "R5") => Request(requestId, Stage.Pre, Sex.Female,
        Line("XJ01CAA040A001", "1", dailyDose: 1500, daysOfSupply: 5),
        Line("XC10AAA200A001", "2", dailyDose: 120, daysOfSupply: 30),
        Line("XG04CBF036A001", "3", dailyDose: 1, daysOfSupply: 28),
        Line("110200001000000", "4", ItemKind.Service, unitPriceFen: 1000),
        Line("XB05BBN001A001", "5", quantity: 2, unitPriceFen: 350));
}
