using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.Decisions;
using SmartAudit.Core.Rules;
using SmartAudit.Contracts.Mapping;
using SmartAudit.Server.Grpc;
using SmartAudit.Testing;
using Domain = SmartAudit.Core.Audit;

namespace SmartAudit.Bench.Engine;

/// <summary>
/// What one 5-line Check costs the server, step by step, outside the transport: where the time goes
/// between the bytes arriving and the bytes leaving.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBreakdown
{
    private readonly CheckRequestMapper _mapper = new(RequestLimits.Default);
    private byte[] _requestBytes = null!;
    private CheckRequest _request = null!;
    private Domain.AuditRequest _domain = null!;
    private Decision _decision = null!;
    private RuleSet _ruleSet = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ruleSet = ShippedRules.RuleSet;
        _request = WireOrders.FiveLineOrder();
        _requestBytes = _request.ToByteArray();
        _domain = _mapper.TryMap(_request, out _) ?? throw new InvalidOperationException("the sample order is invalid");
        _decision = Decide();
    }

    [Benchmark(Description = "1 parse request (protobuf)")]
    public CheckRequest Parse() => CheckRequest.Parser.ParseFrom(_requestBytes);

    [Benchmark(Description = "2 validate and map")]
    public Domain.AuditRequest? ValidateAndMap() => _mapper.TryMap(_request, out _);

    [Benchmark(Description = "3 evaluate and decide")]
    public Decision Decide() =>
        DecisionMaker.Decide(_domain, _ruleSet, AuditEngine.Evaluate(_ruleSet, _domain), [], 0, DateTimeOffset.UnixEpoch);

    [Benchmark(Description = "4 map and serialize response")]
    public byte[] Respond() => CheckResponseMapper.ToResponse(_decision).ToByteArray();

    [Benchmark(Description = "5 decision log record (JSON)")]
    public byte[] LogRecord() => JsonSerializer.SerializeToUtf8Bytes(DecisionRecord.From(_decision), DecisionJsonContext.Default.DecisionRecord);

    [Benchmark(Description = "all five")]
    public int Everything()
    {
        var started = Stopwatch.GetTimestamp();
        var request = CheckRequest.Parser.ParseFrom(_requestBytes);
        var domain = _mapper.TryMap(request, out _)!;
        var decision = DecisionMaker.Decide(domain, _ruleSet, AuditEngine.Evaluate(_ruleSet, domain), [], started, DateTimeOffset.UnixEpoch);
        return CheckResponseMapper.ToResponse(decision).ToByteArray().Length
            + JsonSerializer.SerializeToUtf8Bytes(DecisionRecord.From(decision), DecisionJsonContext.Default.DecisionRecord).Length;
    }
}
