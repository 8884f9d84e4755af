using System.Text.Json;
using Grpc.Core;
using SmartAudit.Contracts.V1;
using Action = SmartAudit.Contracts.V1.Action;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

[Collection(ServerCollection.Name)]
public class CheckTests(ServerFixture fixture)
{
    private AuditService.AuditServiceClient Client => fixture.Host.Client;

    [Fact]
    public async Task Check_MaleOnlyDrugForWoman_BlocksWithTheRuleAndLine()
    {
        var request = WireOrders.Request("R-sex", Stage.Pre, Sex.Female, WireOrders.Line("XG04CBF036A001", "L7"));

        var response = await Client.CheckAsync(request);

        Assert.Equal("R-sex", response.RequestId);
        Assert.Equal(Action.Block, response.Action);
        var finding = Assert.Single(response.Findings);
        Assert.Equal("GZ-SEX-001", finding.RuleId);
        Assert.Equal("SEX_RESTRICTION", finding.Category);
        Assert.Equal(Severity.Block, finding.Severity);
        Assert.Equal(Certainty.Certain, finding.Certainty);
        Assert.Equal(["L7"], finding.LineIds);
        Assert.Contains("非那雄胺片", finding.Message);
        Assert.Contains("Finasteride", finding.MessageEn);
        Assert.Equal(ShippedRules.RuleSet.Version, response.RuleSetVersion);
        Assert.False(response.Degraded);
        Assert.True(response.EvaluationMicros > 0);
    }

    [Fact]
    public async Task Check_SameOrderAtPost_OnlyWarns()
    {
        var request = WireOrders.Request("R-post", Stage.Post, Sex.Female, WireOrders.Line("XG04CBF036A001"));

        var response = await Client.CheckAsync(request);

        Assert.Equal(Action.Warn, response.Action);
    }

    [Fact]
    public async Task Check_OrderWithinEveryLimit_Passes()
    {
        var request = WireOrders.Request("R-ok", Stage.Pre, Sex.Male, WireOrders.Line("XJ01CAA040A001", dailyDose: 1500, daysOfSupply: 5));

        var response = await Client.CheckAsync(request);

        Assert.Equal(Action.Pass, response.Action);
        Assert.Empty(response.Findings);
    }

    [Fact]
    public async Task Check_FiveLineOrder_MostSevereFindingWinsAndComesFirst()
    {
        var response = await Client.CheckAsync(WireOrders.FiveLineOrder());

        Assert.Equal(Action.Block, response.Action);
        Assert.Equal(Severity.Block, response.Findings[0].Severity);
        Assert.Equal(["GZ-SEX-001", "GZ-QTY-001"], response.Findings.Select(f => f.RuleId));
    }

    [Fact]
    public async Task Check_EachDecision_IsAppendedToTheDecisionLogWithItsVersion()
    {
        var requestId = $"R-log-{Guid.NewGuid():N}";

        await Client.CheckAsync(WireOrders.Request(requestId, Stage.Mid, Sex.Female, WireOrders.Line("XG04CBF036A001")));

        var record = await FindLogLineAsync(requestId);
        Assert.Equal("smartaudit.decision.v1", record.GetProperty("schema").GetString());
        Assert.Equal("MID", record.GetProperty("stage").GetString());
        Assert.Equal("BLOCK", record.GetProperty("action").GetString());
        Assert.Equal(ShippedRules.RuleSet.Version, record.GetProperty("ruleSetVersion").GetString());
        Assert.Equal("GZ-SEX-001", record.GetProperty("findings")[0].GetProperty("ruleId").GetString());
        var raw = (await fixture.Host.DecisionLogLinesAsync(1)).Single(l => l.Contains(requestId, StringComparison.Ordinal));
        Assert.Contains("非那雄胺片限男性患者使用", raw); // readable UTF-8, not \uXXXX escapes
    }

    [Fact]
    public async Task RecordFeedback_OverrideWithReason_IsRecorded()
    {
        var requestId = $"R-fb-{Guid.NewGuid():N}";
        var response = await Client.RecordFeedbackAsync(new FeedbackRequest
        {
            RequestId = requestId,
            RuleId = "GZ-QTY-001",
            Kind = FeedbackKind.Overridden,
            OverrideReason = OverrideReason.DocumentedIndication,
            Comment = "familial hypercholesterolaemia",
        });

        Assert.True(response.Recorded);
        var record = await FindLogLineAsync(requestId);
        Assert.Equal("smartaudit.feedback.v1", record.GetProperty("schema").GetString());
        Assert.Equal("DOCUMENTED_INDICATION", record.GetProperty("overrideReason").GetString());
    }

    [Theory]
    [InlineData("request_id")] // a 3,000,000-character request id once went into the log whole
    [InlineData("line_ids")]
    [InlineData("line_ids[1]")]
    [InlineData("doctor_id")]
    public async Task RecordFeedback_OversizedField_InvalidArgumentAndNothingLogged(string field)
    {
        var requestId = $"R-big-{Guid.NewGuid():N}";
        var request = new FeedbackRequest { RequestId = requestId, RuleId = "GZ-QTY-001", Kind = FeedbackKind.Dismissed };
        switch (field)
        {
            case "request_id":
                request.RequestId = requestId + new string('x', 3_000_000);
                break;
            case "line_ids":
                request.LineIds.AddRange(Enumerable.Range(0, 300_000).Select(i => $"L{i}"));
                break;
            case "line_ids[1]":
                request.LineIds.AddRange(["L1", new string('y', 65)]);
                break;
            default:
                request.DoctorId = new string('d', 65);
                break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.RecordFeedbackAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations, v => v.Field == field);
        Assert.DoesNotContain(requestId, await File.ReadAllTextAsync(fixture.Host.DecisionLogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordFeedback_OverrideWithoutReason_InvalidArgumentNamingTheField()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.RecordFeedbackAsync(new FeedbackRequest
        {
            RequestId = "R1",
            RuleId = "GZ-QTY-001",
            Kind = FeedbackKind.Overridden,
        }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations, v => v.Field == "override_reason");
    }

    [Fact]
    public async Task Ping_EchoesTheSequence()
    {
        var response = await Client.PingAsync(new PingRequest { Sequence = 42 });

        Assert.Equal(42, response.Sequence);
    }

    private async Task<JsonElement> FindLogLineAsync(string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var lines = await fixture.Host.DecisionLogLinesAsync(1);
            var line = lines.FirstOrDefault(l => l.Contains(requestId, StringComparison.Ordinal));
            if (line is not null)
            {
                return JsonDocument.Parse(line).RootElement.Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, $"{requestId} never reached the decision log");
            await Task.Delay(20);
        }
    }
}
