using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using SmartAudit.Contracts.Mapping;
using SmartAudit.Contracts.V1;
using SmartAudit.Core.History;
using SmartAudit.Core.Rules;

namespace SmartAudit.Cli.Rules;

/// <summary>
/// <c>smartaudit rules backtest --claims &lt;file&gt;</c>: replays historical claims through a rule set and
/// reports, per rule, how many claims and how much money it flags; with <c>--baseline</c>, what the change
/// adds and removes. Claims are evaluated in parallel on every core.
/// </summary>
internal sealed class BacktestCommand : Command
{
    public override string Group => "rules";

    public override string Name => "backtest";

    public override string Arguments => "--claims <file> [--rules <dir>] [--baseline <dir>]";

    public override string Summary => "Replay claims through a rule set: per rule, claims and money flagged, and what changed against a baseline.";

    public override string Details => """
        --claims   JSON lines, one CheckRequest per line (e.g. from 'smartaudit claims generate').
        --rules    the rule set to try (folder or bundle; default: rules).
        --baseline the rule set in force now: adds, per rule, the claims it flagged and the
                   claims the new set adds (+) and no longer flags (-).
        Money flagged is the sum of the amounts of the lines a rule names (the whole claim
        for encounter-level findings). Invalid claims are counted and the first few named.

        """;

    /// <summary>True when progress may redraw one line (stderr is a terminal).</summary>
    public bool InteractiveProgress { get; init; }

    public override int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? claims = null, baselinePath = null;
        var rulesPath = "rules";
        for (var i = 0; i < args.Count; i++)
        {
            var hasValue = i + 1 < args.Count;
            switch (args[i])
            {
                case "--claims" when hasValue: claims = args[++i]; break;
                case "--rules" when hasValue: rulesPath = args[++i]; break;
                case "--baseline" when hasValue: baselinePath = args[++i]; break;
                default: return UsageError(stderr, $"unexpected '{args[i]}'");
            }
        }

        if (claims is null)
        {
            return UsageError(stderr, "--claims is missing");
        }

        if (!File.Exists(claims))
        {
            stderr.WriteLine($"{CommandLine.ToolName}: claims file not found: {claims}");
            return ExitCodes.Usage;
        }

        var rules = Load(rulesPath, stderr);
        var baseline = baselinePath is null ? null : Load(baselinePath, stderr);
        if (rules is null || (baselinePath is not null && baseline is null))
        {
            return ExitCodes.Problems;
        }

        var started = Stopwatch.GetTimestamp();
        var lines = File.ReadAllLines(claims);
        var tally = Replay(lines, rules, baseline, stderr);
        var elapsed = Stopwatch.GetElapsedTime(started);

        BacktestReport.Write(stdout, tally, rules, baseline, lines.Length, elapsed);
        foreach (var (lineNumber, reason) in tally.Invalid.OrderBy(i => i.Line).Take(5))
        {
            stderr.WriteLine($"{claims}:{lineNumber}: {reason}");
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Replays the claims: parsed and validated in parallel, then audited patient by patient, each patient's
    /// claims in order of service date with the history their earlier claims make (so the rules that look
    /// across visits see what they would have seen live). Patients run in parallel; the answer does not
    /// depend on the thread count.
    /// </summary>
    private BacktestTally Replay(string[] lines, RuleSet rules, RuleSet? baseline, TextWriter stderr)
    {
        var tally = new BacktestTally();
        var mapper = new CheckRequestMapper(RequestLimits.Default);
        var parser = new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
        var requests = new Core.Audit.AuditRequest?[lines.Length];
        Parallel.For(0, lines.Length, index =>
        {
            if (!string.IsNullOrWhiteSpace(lines[index]))
            {
                requests[index] = Parse(index, lines[index], parser, mapper, tally);
            }
        });

        var byPatient = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var index = 0; index < requests.Length; index++)
        {
            if (requests[index] is { } request)
            {
                if (!byPatient.TryGetValue(request.Patient.Id, out var claims))
                {
                    byPatient[request.Patient.Id] = claims = [];
                }

                claims.Add(index);
            }
        }

        var done = 0;
        var progress = new Progress(stderr, lines.Length, InteractiveProgress);
        var options = new HistoryOptions();
        Parallel.ForEach(byPatient.Values, () => new BacktestTally(), (claims, _, local) =>
        {
            var history = PatientHistory.Empty;
            var baselineHistory = PatientHistory.Empty;
            foreach (var index in claims.OrderBy(i => FirstServiceDate(requests[i]!)).ThenBy(i => i))
            {
                var request = requests[index]!;
                local.Claims++;
                local.Add(index, request, AuditEngine.Evaluate(rules, request, history, null).Findings, baseline: false);
                if (baseline is not null)
                {
                    local.Add(index, request, AuditEngine.Evaluate(baseline, request, baselineHistory, null).Findings, baseline: true);
                }

                if (request.Stage != Core.Audit.Stage.Pre)
                {
                    history = HistoryTrimming.Merge(history, HistoryEntry.From(request, rules.Knowledge), options);
                    if (baseline is not null)
                    {
                        baselineHistory = HistoryTrimming.Merge(baselineHistory, HistoryEntry.From(request, baseline.Knowledge), options);
                    }
                }

                if (Interlocked.Increment(ref done) % 2000 == 0)
                {
                    progress.Report(done);
                }
            }

            return local;
        }, tally.Merge);
        progress.Report(lines.Length);
        progress.Finish();
        return tally;
    }

    private static DateOnly FirstServiceDate(Core.Audit.AuditRequest request) =>
        request.Lines.Count == 0 ? DateOnly.MinValue : request.Lines.Min(l => l.ServiceDate);

    private static Core.Audit.AuditRequest? Parse(int index, string json, JsonParser parser, CheckRequestMapper mapper, BacktestTally tally)
    {
        CheckRequest wire;
        try
        {
            wire = parser.Parse<CheckRequest>(json);
        }
        catch (InvalidProtocolBufferException ex)
        {
            tally.Invalid.Add((index + 1, $"not a claim: {ex.Message}"));
            return null;
        }

        var request = mapper.TryMap(wire, out var violations);
        if (request is null)
        {
            tally.Invalid.Add((index + 1, string.Join("; ", violations.FieldViolations.Select(v => $"{v.Field} {v.Description}"))));
        }

        return request;
    }

    private static RuleSet? Load(string path, TextWriter stderr) => LoadRuleSet(path, stderr)?.RuleSet;

    /// <summary>A progress bar on a terminal; a line every 10% when stderr goes to a file or CI log.</summary>
    private sealed class Progress(TextWriter writer, int total, bool interactive)
    {
        private readonly Lock _gate = new();
        private int _lastTenth = -1;

        public void Report(int done)
        {
            lock (_gate)
            {
                var fraction = total == 0 ? 1 : (double)done / total;
                if (interactive)
                {
                    var filled = (int)(fraction * 30);
                    writer.Write($"\r[{new string('#', filled)}{new string(' ', 30 - filled)}] {fraction,4:P0} {done:N0}/{total:N0} claims");
                }
                else if ((int)(fraction * 10) > _lastTenth)
                {
                    _lastTenth = (int)(fraction * 10);
                    writer.WriteLine($"backtest: {done:N0}/{total:N0} claims ({fraction:P0})");
                }
            }
        }

        public void Finish()
        {
            if (interactive)
            {
                writer.WriteLine();
            }
        }
    }
}

/// <summary>Per-rule counts of one backtest; one per worker thread, merged at the end.</summary>
internal sealed class BacktestTally
{
    public int Claims;

    public ConcurrentBag<(int Line, string Reason)> Invalid { get; private set; } = [];

    /// <summary>Rule id → claims it flagged (by index) and the money on the lines it named.</summary>
    public Dictionary<string, RuleTally> Rules { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, RuleTally> Baseline { get; } = new(StringComparer.Ordinal);

    public void Add(int claim, Core.Audit.AuditRequest request, IReadOnlyList<Core.Decisions.Finding> findings, bool baseline)
    {
        var target = baseline ? Baseline : Rules;
        foreach (var byRule in findings.GroupBy(f => f.RuleId))
        {
            if (!target.TryGetValue(byRule.Key, out var rule))
            {
                target[byRule.Key] = rule = new RuleTally();
            }

            rule.ClaimIndexes.Add(claim);
            var lineIds = byRule.SelectMany(f => f.LineIds).ToHashSet(StringComparer.Ordinal);
            rule.AmountFen += byRule.Any(f => f.LineIds.Count == 0)
                ? request.Lines.Sum(l => l.AmountFen)
                : request.Lines.Where(l => lineIds.Contains(l.LineId)).Sum(l => l.AmountFen);
        }
    }

    public void Merge(BacktestTally local)
    {
        lock (this)
        {
            Claims += local.Claims;
            foreach (var invalid in local.Invalid)
            {
                Invalid.Add(invalid);
            }

            MergeInto(Rules, local.Rules);
            MergeInto(Baseline, local.Baseline);
        }
    }

    private static void MergeInto(Dictionary<string, RuleTally> target, Dictionary<string, RuleTally> source)
    {
        foreach (var (id, tally) in source)
        {
            if (!target.TryGetValue(id, out var existing))
            {
                target[id] = tally;
                continue;
            }

            existing.ClaimIndexes.UnionWith(tally.ClaimIndexes);
            existing.AmountFen += tally.AmountFen;
        }
    }
}

internal sealed class RuleTally
{
    public HashSet<int> ClaimIndexes { get; } = [];

    public long AmountFen { get; set; }
}
