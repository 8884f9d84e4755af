using SmartAudit.Core.Rules;
using SmartAudit.Redis.Rules;

namespace SmartAudit.Cli.Store;

/// <summary>
/// <c>smartaudit rules publish &lt;bundle&gt;</c>: checks a packed bundle (hash, compilation), stores it in
/// Redis and makes it the environment's active version, which every server of the environment loads
/// within a second.
/// </summary>
internal sealed class PublishCommand(TimeProvider clock) : StoreCommand<PublishCommand.Args>
{
    public PublishCommand()
        : this(TimeProvider.System)
    {
    }

    public override string Name => "publish";

    public override string Arguments => $"<bundle> [--no-activate] [--by <name>] {StoreArguments}";

    public override string Summary => "Publish a packed bundle to Redis and activate it: running servers switch to it.";

    public override string Details => """
        The bundle (from 'rules pack') is checked first: its content hash, then a full
        compilation; a bundle with any problem is not published. A version number names
        one content: publishing other rules under a published id and version is refused
        (bump the version in ruleset.json). Publishing the same bundle again is harmless.
        --no-activate stores it without switching (then 'rules activate <version>').
        --by names the publisher (default: the user running the command).

        """ + StoreDetails;

    internal sealed record Args(string Bundle, bool Activate, string By);

    protected override Args? Parse(IReadOnlyList<string> args, TextWriter stderr, out int exitCode)
    {
        string? bundle = null, by = null;
        var activate = true;
        exitCode = ExitCodes.Success;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--no-activate": activate = false; break;
                case "--by" when i + 1 < args.Count: by = args[++i]; break;
                case var option when option.StartsWith('-'): return ParseError(stderr, $"unknown option or missing value: '{option}'", out exitCode);
                case var path when bundle is null: bundle = path; break;
                default: return ParseError(stderr, "give one bundle file", out exitCode);
            }
        }

        if (bundle is null)
        {
            return ParseError(stderr, "the bundle file is missing", out exitCode);
        }

        if (!File.Exists(bundle))
        {
            stderr.WriteLine($"{CommandLine.ToolName}: bundle not found: {bundle}"
                + (Directory.Exists(bundle) ? " (that is a folder: pack it first with 'rules pack')" : string.Empty));
            exitCode = ExitCodes.Usage;
            return null;
        }

        return new Args(bundle, activate, by ?? Environment.UserName);
    }

    protected override async Task<int> RunAsync(RuleSetStore store, string environment, Args args, TextWriter stdout, TextWriter stderr)
    {
        var bytes = await File.ReadAllBytesAsync(args.Bundle);
        RuleSetBundle bundle;
        try
        {
            bundle = RuleSetBundle.FromBytes(bytes);
        }
        catch (InvalidRuleSetBundleException ex)
        {
            stderr.WriteLine($"{args.Bundle}: {ex.Message}");
            stderr.WriteLine("not published");
            return ExitCodes.Problems;
        }

        if (LoadRuleSet(args.Bundle, stderr) is null)
        {
            stderr.WriteLine("not published");
            return ExitCodes.Problems;
        }

        var published = await store.PublishAsync(bundle, bytes, args.By, clock.GetUtcNow());
        switch (published.Outcome)
        {
            case PublishOutcome.VersionConflict:
                stderr.WriteLine($"{args.Bundle}: {bundle.Id} {bundle.Version} is already published with other rules "
                    + $"({published.ContentHash[..8]}; this bundle is {bundle.ContentHash[..8]}): bump the version in ruleset.json and pack again");
                stderr.WriteLine("not published");
                return ExitCodes.Problems;
            case PublishOutcome.AlreadyPublished:
                stdout.WriteLine($"already published: {bundle.Id} {bundle.DisplayVersion}");
                break;
            default:
                stdout.WriteLine($"published {bundle.Id} {bundle.DisplayVersion} ({bytes.Length / 1024.0:0.0} KiB, packed by {bundle.Author}, published by {args.By})");
                break;
        }

        if (!args.Activate)
        {
            return ExitCodes.Success;
        }

        var previous = await store.GetActiveHashAsync(environment);
        if (previous == bundle.ContentHash)
        {
            stdout.WriteLine($"already active in {environment}");
            return ExitCodes.Success;
        }

        await store.ActivateAsync(environment, bundle.ContentHash);
        stdout.WriteLine($"activated in {environment} (was {await DescribeAsync(store, previous)})");
        return ExitCodes.Success;
    }
}
