using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using SmartAudit.Contracts.V1;
using SmartAudit.Testing;
using SmartAudit.Testing.Wire;

namespace SmartAudit.Server.Tests;

[Collection(ServerCollection.Name)]
public class DiscoveryTests(ServerFixture fixture)
{
    [Theory]
    [InlineData("")] // the whole server
    [InlineData("smartaudit.v1.AuditService")] // what the audit needs: what a load balancer in front of Check probes
    [InlineData("rules")] // one component, by its check's name
    [InlineData("fraud-model")]
    public async Task Health_WithRulesLoaded_Serving(string service)
    {
        var client = new Health.HealthClient(fixture.Host.Channel);

        var response = await client.CheckAsync(new HealthCheckRequest { Service = service });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Health_UnknownService_NotFound()
    {
        var client = new Health.HealthClient(fixture.Host.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.CheckAsync(new HealthCheckRequest { Service = "no-such-part" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Status_ReportsEachComponent_WithItsFigures()
    {
        var client = new StatusService.StatusServiceClient(fixture.Host.Channel);

        var report = await client.GetStatusAsync(new StatusRequest());

        Assert.Equal(ComponentState.Healthy, report.State);
        var rules = Assert.Single(report.Components, c => c.Name == "rules");
        Assert.Equal(ComponentState.Healthy, rules.State);
        Assert.True(rules.Audit);
        Assert.Equal(ShippedRules.RuleSet.Version, rules.Data["ruleSetVersion"]);
        Assert.Contains(report.Components, c => c.Name == "fraud-model" && c.Audit);
        var log = Assert.Single(report.Components, c => c.Name == "decision-log");
        Assert.Equal(fixture.Host.DecisionLogPath, log.Data["path"]);
        Assert.Equal("0", log.Data["lostRecords"]);
        Assert.Equal(report.Components.Select(c => c.Name).Order(StringComparer.Ordinal), report.Components.Select(c => c.Name));
    }

    [Theory]
    [InlineData("/smartaudit.v1.ReportService/Compliance")]
    [InlineData("/smartaudit.v1.StatusService/GetStatus")]
    public async Task UnparseableMessage_ToTheOtherServices_InvalidArgument(string method)
    {
        using var client = new RawGrpcClient(fixture.Host.Address);

        var result = await client.CallAsync(method, RawGrpcClient.Frame([0x0a, 0xff, 0xff, 0xff]));

        Assert.Equal((int)StatusCode.InvalidArgument, result.Status);
        Assert.Contains("is not a valid smartaudit.v1.", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2026, 3, 1, 2026, 3, 31, int.MaxValue, "follow_up_hours")] // more hours than a TimeSpan holds: was UNKNOWN with Kafka
    [InlineData(2026, 3, 1, 2026, 3, 31, -1, "follow_up_hours")]
    [InlineData(1, 1, 1, 2026, 3, 31, 0, "from")]
    [InlineData(2026, 3, 1, 9999, 12, 31, 0, "to")]
    [InlineData(2024, 1, 1, 2025, 12, 31, 0, "to")] // two years in one call
    public async Task Compliance_OutOfBounds_InvalidArgumentNamingTheField(int fromYear, int fromMonth, int fromDay, int toYear, int toMonth, int toDay, int followUpHours, string field)
    {
        var client = new ReportService.ReportServiceClient(fixture.Host.Channel);
        var request = new ComplianceRequest
        {
            From = new Google.Type.Date { Year = fromYear, Month = fromMonth, Day = fromDay },
            To = new Google.Type.Date { Year = toYear, Month = toMonth, Day = toDay },
            FollowUpHours = followUpHours,
        };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.ComplianceAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith($"invalid request: {field} ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reflection_ListsTheServices()
    {
        var client = new ServerReflection.ServerReflectionClient(fixture.Host.Channel);
        using var call = client.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("smartaudit.v1.AuditService", services);
        Assert.Contains("smartaudit.v1.ReportService", services);
        Assert.Contains("smartaudit.v1.StatusService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
