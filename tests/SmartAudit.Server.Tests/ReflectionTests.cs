using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.Configuration;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

/// <summary>Server reflection lists every method to whoever connects: on for a newcomer's embedded server, off in production.</summary>
public class ReflectionTests
{
    [Theory]
    [InlineData(true)] // nothing configured: rules folder, local log, loopback
    [InlineData(false, "Redis:Configuration=redis.internal:6379")]
    [InlineData(false, "Kafka:BootstrapServers=kafka-1:9092")]
    [InlineData(false, "urls=http://0.0.0.0:5080")]
    [InlineData(false, "Workbench:Enabled=true", "Workbench:Urls=http://10.1.2.3:5081")]
    [InlineData(true, "urls=http://localhost:5080;http://[::1]:5080")]
    public void Embedded_IsNoStoresAndLoopbackOnly(bool embedded, params string[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])))
            .Build();

        Assert.Equal(embedded, HostingMode.IsEmbedded(configuration));
    }

    [Fact]
    public async Task ReflectionOff_ListingServices_IsUnimplemented()
    {
        await using var host = await AuditServerHost.StartAsync(["Audit:Reflection=false"]);
        using var call = new ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal(1, (await host.Client.PingAsync(new Contracts.V1.PingRequest { Sequence = 1 })).Sequence); // the rest still answers
    }
}
