using SmartAudit.Core.Rules;
using SmartAudit.Redis.Rules;

namespace SmartAudit.Cli.Store;

/// <summary><c>smartaudit rules activate &lt;version&gt;</c>: switches the environment to any published version.</summary>
internal sealed class ActivateCommand : StoreCommand<ActivateCommand.Args>
{
    public override string Name => "activate";

    public override string Arguments => $"<version> {StoreArguments}";

    public override string Summary => "Make a published version the active one: running servers switch to it.";

    public override string Details => """
        <version> is what 'rules list' shows (0.2.0+1a2b3c4d), the semantic version alone
        if only one content carries it, or at least 8 hex digits of the content hash.
        Any earlier version can be activated again: this is how to roll back further
        than one step. The stored bundle is checked first, as servers will check it (its
        size, its members, its content hash, a full compilation): a version that does
        not verify is not activated (exit code 1).

        """ + StoreDetails;

    internal sealed record Args(string Version);

    protected override Args? Parse(IReadOnlyList<string> args, TextWriter stderr, out int exitCode)
    {
        exitCode = ExitCodes.Success;
        return args switch
        {
            [var version] when !version.StartsWith('-') => new Args(version),
            [] => ParseError(stderr, "the version is missing", out exitCode),
            _ => ParseError(stderr, "give one version", out exitCode),
        };
    }

    protected override async Task<int> RunAsync(RuleSetStore store, string environment, Args args, TextWriter stdout, TextWriter stderr)
    {
        var (match, candidates) = await store.ResolveAsync(args.Version);
        if (match is null)
        {
            stderr.WriteLine(candidates.Count == 0
                ? $"{CommandLine.ToolName}: no published version '{args.Version}' (see 'rules list')"
                : $"{CommandLine.ToolName}: '{args.Version}' names {candidates.Count} versions: {string.Join(", ", candidates.Select(Describe))}");
            return ExitCodes.Usage;
        }

        var previous = await store.GetActiveHashAsync(environment);
        if (previous == match.ContentHash)
        {
            stdout.WriteLine($"{Describe(match)} is already active in {environment}");
            return ExitCodes.Success;
        }

        if (await VerifyAsync(store, match) is { Count: > 0 } problems)
        {
            stderr.WriteLine($"{Describe(match)} does not verify; servers would refuse it:");
            foreach (var problem in problems.Take(20))
            {
                stderr.WriteLine($"  {problem}");
            }

            stderr.WriteLine($"not activated ({environment} stays on {await DescribeAsync(store, previous)})");
            return ExitCodes.Problems;
        }

        await store.ActivateAsync(environment, match.ContentHash);
        stdout.WriteLine($"activated {Describe(match)} in {environment} (was {await DescribeAsync(store, previous)})");
        return ExitCodes.Success;
    }

    /// <summary>
    /// What would make a server refuse the version: its stored bytes read, checked and compiled as a server
    /// does (<see cref="RuleSetBundle.Open"/>), and the content hash they carry the one they are stored under.
    /// </summary>
    private static async Task<IReadOnlyList<string>> VerifyAsync(RuleSetStore store, PublishedVersion version)
    {
        var stored = await store.GetBundleAsync(version.ContentHash, BundleLimits.DefaultMaxPackedBytes);
        if (stored.Bytes is not { } bytes)
        {
            return [stored.Missing
                ? $"no bundle stored under {version.ContentHash}"
                : $"the bundle is {stored.OversizeLength} bytes packed, over the limit of {BundleLimits.DefaultMaxPackedBytes}"];
        }

        try
        {
            var (bundle, _) = RuleSetBundle.Open(bytes, BundleLimits.Default);
            return bundle.ContentHash == version.ContentHash
                ? []
                : [$"the bundle stored under {version.ContentHash} hashes to {bundle.ContentHash}"];
        }
        catch (InvalidRuleSetBundleException ex)
        {
            return ex.Problems;
        }
    }
}
