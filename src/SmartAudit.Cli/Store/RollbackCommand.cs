using SmartAudit.Redis.Rules;

namespace SmartAudit.Cli.Store;

/// <summary><c>smartaudit rules rollback</c>: goes back to the version active before the current one.</summary>
internal sealed class RollbackCommand : StoreCommand<RollbackCommand.Args>
{
    public override string Name => "rollback";

    public override string Arguments => StoreArguments;

    public override string Summary => "Re-activate the version that was active before the current one.";

    public override string Details => """
        Steps back one activation; run it again to step back further, or use
        'rules activate <version>' for any published version. Exits 1 if the
        environment has no earlier activation.

        """ + StoreDetails;

    internal sealed record Args;

    protected override Args? Parse(IReadOnlyList<string> args, TextWriter stderr, out int exitCode)
    {
        exitCode = ExitCodes.Success;
        return args.Count == 0 ? new Args() : ParseError(stderr, $"unexpected argument: '{args[0]}'", out exitCode);
    }

    protected override async Task<int> RunAsync(RuleSetStore store, string environment, Args args, TextWriter stdout, TextWriter stderr)
    {
        var current = await store.GetActiveHashAsync(environment);
        var previous = await store.RollbackAsync(environment);
        if (previous is null)
        {
            stderr.WriteLine($"{CommandLine.ToolName}: nothing to roll back to in {environment} (active: {await DescribeAsync(store, current)})");
            return ExitCodes.Problems;
        }

        stdout.WriteLine($"rolled back {environment} to {await DescribeAsync(store, previous)} (was {await DescribeAsync(store, current)})");
        return ExitCodes.Success;
    }
}
