namespace SmartAudit.Server.Tests;

/// <summary>
/// Tests that run a server in a process of their own and load it hard (fuzzing, crashes): alone, after the
/// others, so that on a 2-core machine they neither starve the other tests nor are starved by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "Server processes";
}
