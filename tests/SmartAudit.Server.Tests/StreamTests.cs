using Google.Rpc;
using Grpc.Core;
using SmartAudit.Contracts.V1;
using Action = SmartAudit.Contracts.V1.Action;
using SmartAudit.Testing;

namespace SmartAudit.Server.Tests;

[Collection(ServerCollection.Name)]
public class StreamTests(ServerFixture fixture)
{
    [Fact]
    public async Task CheckStream_BadRequestInTheMiddle_AnsweredInBandAndTheStreamGoesOn()
    {
        using var call = fixture.Host.Client.CheckStream();
        var bad = WireOrders.Request("bad");
        bad.Lines[0].Quantity = -1;

        await call.RequestStream.WriteAsync(WireOrders.Request("first", Stage.Pre, Sex.Female, WireOrders.Line("XG04CBF036A001")));
        await call.RequestStream.WriteAsync(bad);
        await call.RequestStream.WriteAsync(WireOrders.Request("after", Stage.Pre, Sex.Male, WireOrders.Line("XG04CBF036A001")));
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToDictionaryAsync(r => r.RequestId);

        Assert.Equal(3, responses.Count);
        Assert.Equal(Action.Block, responses["first"].Action);
        var error = responses["bad"].Error;
        Assert.Equal((int)Code.InvalidArgument, error.Code);
        Assert.Contains(error.Details.Select(d => d.Unpack<BadRequest>()).Single().FieldViolations, v => v.Field == "lines[0].quantity");
        Assert.Empty(responses["bad"].Findings);
        Assert.Equal(Action.Pass, responses["after"].Action);
        Assert.Null(responses["after"].Error);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task CheckStream_ManyRequests_EachAnsweredOnceWithItsRequestId()
    {
        using var call = fixture.Host.Client.CheckStream();
        var ids = Enumerable.Range(0, 200).Select(i => $"S{i}").ToList();

        var reading = call.ResponseStream.ReadAllAsync().Select(r => r.RequestId).ToListAsync().AsTask();
        foreach (var id in ids)
        {
            await call.RequestStream.WriteAsync(WireOrders.FiveLineOrder(id));
        }

        await call.RequestStream.CompleteAsync();
        var answered = await reading;

        Assert.Equal(ids.Order(), answered.Order());
    }

    [Fact]
    public async Task PingStream_EchoesEverySequence()
    {
        using var call = fixture.Host.Client.PingStream();
        for (var i = 0; i < 10; i++)
        {
            await call.RequestStream.WriteAsync(new PingRequest { Sequence = i });
        }

        await call.RequestStream.CompleteAsync();
        var sequences = await call.ResponseStream.ReadAllAsync().Select(p => p.Sequence).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), sequences);
    }
}
