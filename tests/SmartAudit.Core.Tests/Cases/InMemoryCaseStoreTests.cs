using SmartAudit.Core.Cases;
using SmartAudit.Testing.Cases;

namespace SmartAudit.Core.Tests.Cases;

public sealed class InMemoryCaseStoreTests : CaseStoreContract
{
    protected override Task<ICaseStore> CreateStoreAsync() => Task.FromResult<ICaseStore>(new InMemoryCaseStore());
}
