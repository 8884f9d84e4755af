using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

[Collection(ServerCollection.Name)]
public class DiscoveryTests(ServerFixture fixture)
{
    [Fact]
    public async Task Health_WithRulesLoaded_Serving()
    {
        var client = new Health.HealthClient(fixture.Host.Channel);

        var response = await client.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_ListsTheAuditService()
    {
        var client = new ServerReflection.ServerReflectionClient(fixture.Host.Channel);
        using var call = client.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("smartaudit.v1.AuditService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
