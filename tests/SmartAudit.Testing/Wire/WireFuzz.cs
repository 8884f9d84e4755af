using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using SmartAudit.Contracts.V1;

namespace SmartAudit.Testing.Wire;

/// <summary>
/// Seeded generators of what a broken or hostile client sends: valid requests carrying extreme values, valid
/// bytes with random damage, and damaged gRPC frames. Same seed, same inputs, so a failure can be replayed.
/// </summary>
public sealed class WireFuzz(int seed)
{
    private static readonly double[] Doubles =
    [
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue, double.Epsilon, -0.0, 0, -1,
        1e39, 1e308, 1e-300, 100_000, 100_000.000001, 1_000_000, 1_000_000.5, 0.5, 3,
    ];

    private static readonly long[] Longs = [long.MaxValue, long.MinValue, long.MaxValue - 1, 10_000_000_000, 10_000_000_001, -1, 0, 1, int.MaxValue];
    private static readonly int[] Ints = [int.MaxValue, int.MinValue, -1, 0, 1, 2, 3, 4, 366, 367, 1000, 99];

    private static readonly long[] Seconds =
    [
        long.MaxValue, long.MinValue, 253402300799L, 253402300800L, -62135596800L, -62135596801L, 0, 946684800, 946655999, 4102444799, 4102444800,
        WireOrders.OrderedAt.ToUnixTimeSeconds(),
    ];

    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>A valid order (1 to 5 lines, any stage, one of 50 patients), before any damage.</summary>
    public CheckRequest ValidRequest(string requestId)
    {
        var order = WireOrders.FiveLineOrder(requestId);
        order.Stage = Pick([Stage.Pre, Stage.Mid, Stage.Post]);
        order.Patient.Id = $"FZ{_random.Next(50):D3}";
        while (order.Lines.Count > 1 && _random.Next(3) == 0)
        {
            order.Lines.RemoveAt(_random.Next(order.Lines.Count));
        }

        return order;
    }

    /// <summary>A request that parses, with one to three fields set to extreme values (some inside the bounds, most outside).</summary>
    public CheckRequest ExtremeRequest(string requestId)
    {
        var request = ValidRequest(requestId);
        for (var n = _random.Next(1, 4); n > 0; n--)
        {
            var line = request.Lines[_random.Next(request.Lines.Count)];
            switch (_random.Next(22))
            {
                case 0: line.Quantity = Pick(Doubles); break;
                case 1: line.UnitPriceFen = Pick(Longs); break;
                case 2: line.AmountFen = Pick(Longs); break;
                case 3: line.DailyDose = Pick(Doubles); break;
                case 4: line.DaysOfSupply = Pick(Ints); break;
                case 5: line.OrderedAt = new Timestamp { Seconds = Pick(Seconds), Nanos = Pick([0, -1, 999_999_999, 1_000_000_000, int.MaxValue]) }; break;
                case 6: (request.Patient ?? new Patient()).BirthDate = Date(); break;
                case 7: request.Encounter.AdmissionDate = Date(); request.Encounter.Kind = EncounterKind.Inpatient; break;
                case 8: request.Encounter.DischargeDate = Date(); break;
                case 9: request.Stage = (Stage)Pick(Ints); break;
                case 10: (request.Patient ?? new Patient()).Sex = (Sex)Pick(Ints); break;
                case 11: line.ItemKind = (ItemKind)Pick(Ints); break;
                case 12: request.Encounter.HospitalLevel = Pick(Ints); break;
                case 13: request.RequestId = Text(); break;
                case 14: line.ItemCode = Text(); break;
                case 15: request.Encounter.DiagnosisCodes.Add(Enumerable.Range(0, _random.Next(1, 200)).Select(_ => Text())); break;
                case 16: line.Modifiers.Add(Enumerable.Range(0, _random.Next(1, 20)).Select(_ => Text())); break;
                case 17: line.LineId = request.Lines[0].LineId; break;
                case 18: request.Lines.Add(Enumerable.Range(0, _random.Next(1, 1100)).Select(i => WireOrders.Line(lineId: $"x{i}"))); break;
                case 19: request.Patient = null; break;
                case 20: request.Encounter.Kind = (EncounterKind)Pick(Ints); break;
                default: line.Name = Text(); break;
            }
        }

        return request;
    }

    /// <summary>The bytes of a valid request with random damage: bit flips, a cut, inserted or overwritten bytes, invalid UTF-8.</summary>
    public byte[] DamagedPayload(CheckRequest request) => DamagedPayload(request.ToByteArray());

    /// <summary>Any message's bytes with random damage, as <see cref="DamagedPayload(CheckRequest)"/>; an empty message gets random bytes.</summary>
    public byte[] DamagedPayload(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            bytes = new byte[_random.Next(1, 32)];
            _random.NextBytes(bytes);
            return bytes;
        }

        switch (_random.Next(5))
        {
            case 0:
                for (var n = _random.Next(1, 9); n > 0; n--)
                {
                    bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                }

                return bytes;
            case 1:
                return bytes[.._random.Next(bytes.Length)];
            case 2:
                var at = _random.Next(bytes.Length);
                var inserted = new byte[_random.Next(1, 16)];
                _random.NextBytes(inserted);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            case 3:
                var from = _random.Next(bytes.Length);
                var span = bytes.AsSpan(from, Math.Min(bytes.Length - from, _random.Next(1, 32)));
                _random.NextBytes(span);
                return bytes;
            default:
                // invalid UTF-8 inside a string field: the request id's bytes follow its tag (0x0A) and length
                var id = Array.IndexOf(bytes, (byte)0x0A);
                if (id >= 0 && id + 2 < bytes.Length)
                {
                    bytes[id + 2] = 0xFF;
                }

                return bytes;
        }
    }

    /// <summary>A request body whose framing is broken: a bad flag byte, a length that lies, a cut header, two messages for one.</summary>
    public byte[] DamagedFrame(byte[] payload) => _random.Next(6) switch
    {
        0 => RawGrpcClient.Frame(payload, flag: (byte)_random.Next(2, 256)),
        1 => RawGrpcClient.Frame(payload, declaredLength: payload.Length + _random.Next(1, 1000)),
        2 => RawGrpcClient.Frame(payload, declaredLength: Math.Max(0, payload.Length - _random.Next(1, Math.Max(2, payload.Length)))),
        3 => RawGrpcClient.Frame(payload)[..(_random.Next(1, 5))],
        4 => [.. RawGrpcClient.Frame(payload), .. RawGrpcClient.Frame(payload)],
        _ => RawGrpcClient.Frame(payload, declaredLength: int.MaxValue),
    };

    public int Next(int max) => _random.Next(max);

    private Google.Type.Date Date() => new()
    {
        Year = Pick([0, 1, 1899, 1900, 2000, 2026, 2099, 2100, 9999, 10000, -5, int.MaxValue]),
        Month = Pick([0, 1, 2, 12, 13, -1]),
        Day = Pick([0, 1, 28, 29, 31, 32, -1]),
    };

    private string Text() => _random.Next(6) switch
    {
        0 => string.Empty,
        1 => new string('x', _random.Next(65, 20_000)),
        2 => "\u0000\u0001\u001b[31m\r\n",
        3 => "病人" + new string('名', _random.Next(1, 100)),
        4 => " ",
        _ => "=cmd|' /C calc'!A0",
    };

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
