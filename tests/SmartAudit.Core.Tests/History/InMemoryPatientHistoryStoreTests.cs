using SmartAudit.Core.History;
using SmartAudit.Testing.History;

namespace SmartAudit.Core.Tests.History;

public sealed class InMemoryPatientHistoryStoreTests : PatientHistoryStoreContract
{
    protected override Task<IPatientHistoryStore> CreateStoreAsync(HistoryOptions options) =>
        Task.FromResult<IPatientHistoryStore>(new InMemoryPatientHistoryStore(options));

    [Fact]
    public async Task Record_MorePatientsThanTheCap_DropsTheEarliestWritten()
    {
        var store = new InMemoryPatientHistoryStore(new HistoryOptions(), maxPatients: 3);
        foreach (var patient in new[] { "A", "B", "C", "D" })
        {
            await store.RecordAsync(Visit(patient, "E-" + patient, Day), CancellationToken.None);
        }

        Assert.Equal(3, store.PatientCount);
        Assert.True((await store.GetAsync("A", CancellationToken.None)).IsEmpty);
        Assert.False((await store.GetAsync("D", CancellationToken.None)).IsEmpty);
    }
}
