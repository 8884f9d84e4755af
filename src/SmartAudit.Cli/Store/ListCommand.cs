using System.Globalization;
using SmartAudit.Redis.Rules;

namespace SmartAudit.Cli.Store;

/// <summary><c>smartaudit rules list</c>: the published versions, the active one and the activation history.</summary>
internal sealed class ListCommand : StoreCommand<ListCommand.Args>
{
    public override string Name => "list";

    public override string Arguments => StoreArguments;

    public override string Summary => "List published versions, marking the environment's active one.";

    public override string Details => """
        One line per published version, oldest first: '*' marks the active one, then the
        version, the rule-set id, when and by whom it was published, who packed it and its
        size. Then the environment's activations, newest first (what 'rules rollback'
        steps back through).

        """ + StoreDetails;

    internal sealed record Args;

    protected override Args? Parse(IReadOnlyList<string> args, TextWriter stderr, out int exitCode)
    {
        exitCode = ExitCodes.Success;
        return args.Count == 0 ? new Args() : ParseError(stderr, $"unexpected argument: '{args[0]}'", out exitCode);
    }

    protected override async Task<int> RunAsync(RuleSetStore store, string environment, Args args, TextWriter stdout, TextWriter stderr)
    {
        var versions = await store.ListAsync();
        var state = await store.GetEnvironmentAsync(environment);
        if (versions.Count == 0)
        {
            stdout.WriteLine("no published versions");
            return ExitCodes.Success;
        }

        var active = versions.FirstOrDefault(v => v.ContentHash == state.ActiveHash);
        stdout.WriteLine($"environment {environment}: active {(active is null ? "none" : Describe(active))}");
        string[] header = ["", "VERSION", "ID", "PUBLISHED (UTC)", "BY", "PACKED BY", "SIZE"];
        var rows = versions.Select(v => new[]
        {
            v.ContentHash == state.ActiveHash ? "*" : "",
            v.DisplayVersion,
            v.Id,
            v.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            v.PublishedBy,
            v.Author,
            $"{v.Bytes / 1024.0:0.0} KiB",
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            stdout.WriteLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        var byHash = versions.ToDictionary(v => v.ContentHash, StringComparer.Ordinal);
        stdout.WriteLine($"activations in {environment}, newest first: "
            + (state.Activations.Count == 0 ? "none" : string.Join(", ", state.Activations.Select(h => byHash.TryGetValue(h, out var v) ? v.DisplayVersion : h[..8]))));
        return ExitCodes.Success;
    }
}
