using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace SmartAudit.Core.Rules;

/// <summary>
/// The expressions in a rule's message holes, each distinct one compiled once for both languages. The
/// Chinese and English messages mostly ask the same things (the line, its limit, the patient's value); fact
/// expressions are pure, so a finding evaluates each distinct hole once and both messages print that value.
/// A hole that reads a detail of one of the patient's earlier records (<c>ctx.History.….HospitalId</c>, its
/// dates, encounter or department) also compiles the record itself, so that rendering for the caller can tell
/// whether the record is another hospital's (<see cref="HoleSource"/>).
/// </summary>
internal sealed partial class MessageHoles(RuleExpressionParser parser, RuleParameter[] parameters)
{
    private readonly List<string> _expressions = [];
    private readonly List<Func<object[], object>> _values = [];
    private readonly List<HoleSource> _sources = [];
    private readonly List<string> _recordExpressions = [];
    private readonly List<Func<object[], object>> _records = [];

    /// <summary>The index of <paramref name="expression"/>'s hole, compiling it the first time it is seen.</summary>
    /// <exception cref="Exception">The expression does not compile (RulesEngine's parser says why).</exception>
    public int Add(string expression)
    {
        var index = _expressions.IndexOf(expression);
        if (index >= 0)
        {
            return index;
        }

        var value = parser.Compile<object>(expression, parameters);
        var source = HoleSource.None;
        if (HistoryDetail().Match(expression) is { Success: true } detail)
        {
            var record = detail.Groups["record"].Value;
            var at = _recordExpressions.IndexOf(record);
            if (at < 0)
            {
                _records.Add(parser.Compile<object>(record, parameters));
                _recordExpressions.Add(record);
                at = _records.Count - 1;
            }

            source = new HoleSource(at, detail.Groups["member"].Value == "HospitalId");
        }

        _values.Add(value);
        _sources.Add(source);
        _expressions.Add(expression);
        return _values.Count - 1;
    }

    /// <summary>Whether hole <paramref name="index"/> is a detail of an earlier record other than its hospital (a date, say).</summary>
    public bool IsRecordDetail(int index) => _sources[index] is { Record: >= 0, IsHospital: false };

    public Func<object[], object>[] ToArray() => [.. _values];

    public HoleSource[] Sources() => [.. _sources];

    public Func<object[], object>[] Records() => [.. _records];

    [GeneratedRegex(@"^(?<record>ctx\.History\..+)\.(?<member>HospitalId|ServiceDate|SupplyEnd|StartDate|EndDate|EncounterId|Department)$", RegexOptions.CultureInvariant)]
    private static partial Regex HistoryDetail();
}

/// <summary>
/// Where a hole's value comes from, for the caller's message: <see cref="Record"/> is the index of the earlier
/// record it is a detail of (-1: not one); <see cref="IsHospital"/>, whether it is that record's hospital.
/// </summary>
internal readonly record struct HoleSource(int Record, bool IsHospital)
{
    public static HoleSource None { get; } = new(-1, false);
}

/// <summary>A rule's messages in both languages over its shared <see cref="MessageHoles"/>.</summary>
internal sealed class RuleMessages
{
    /// <summary>Holes evaluated into a buffer on the stack; a rule with more gets an array.</summary>
    private const int InlineHoles = 16;

    private readonly Func<object[], object>[] _holes;
    private readonly HoleSource[] _sources;
    private readonly Func<object[], object>[] _records;

    private RuleMessages(MessageTemplate zh, MessageTemplate en, MessageHoles holes)
    {
        Zh = zh;
        En = en;
        _holes = holes.ToArray();
        _sources = holes.Sources();
        _records = holes.Records();
    }

    public MessageTemplate Zh { get; }

    public MessageTemplate En { get; }

    /// <exception cref="FormatException">A template is malformed or a hole does not compile; <paramref name="failed"/> says which language.</exception>
    public static RuleMessages Compile(string zh, string en, RuleExpressionParser parser, RuleParameter[] parameters, out string failed)
    {
        var holes = new MessageHoles(parser, parameters);
        failed = "zh";
        var zhTemplate = MessageTemplate.Compile(zh, holes);
        failed = "en";
        var enTemplate = MessageTemplate.Compile(en, holes);
        failed = string.Empty;
        return new RuleMessages(zhTemplate, enTemplate, holes);
    }

    /// <summary>Both messages for a finding over <paramref name="args"/>; a hole whose expression throws reads "?".</summary>
    public (string Zh, string En) Render(object[] args)
    {
        var (zh, en, _, _) = Render(args, callerHospital: null);
        return (zh, en);
    }

    /// <summary>
    /// Both messages, and, when the finding draws on another hospital's records than <paramref name="callerHospital"/>,
    /// the messages that hospital may read (null when they are the same): the other hospital named only as "another
    /// institution", and the template's <c>[…]</c> sections that hold that record's dates or other details left out.
    /// </summary>
    public (string Zh, string En, string? CallerZh, string? CallerEn) Render(object[] args, string? callerHospital)
    {
        var inline = default(HoleBuffer);
        var values = _holes.Length <= InlineHoles ? ((Span<object?>)inline)[.._holes.Length] : new object?[_holes.Length];
        for (var i = 0; i < _holes.Length; i++)
        {
            values[i] = Evaluate(_holes[i], args);
        }

        Span<char> buffer = stackalloc char[256];
        var zh = Zh.Render(values, buffer);
        var en = En.Render(values, buffer);
        if (callerHospital is null || _records.Length == 0 || !Withhold(args, callerHospital, values))
        {
            return (zh, en, null, null);
        }

        return (zh, en, Zh.Render(values, buffer, MessageTemplate.OtherInstitutionZh), En.Render(values, buffer, MessageTemplate.OtherInstitutionEn));
    }

    /// <summary>Where each hole's value comes from (<see cref="HoleSource.None"/> for most).</summary>
    internal IReadOnlyList<HoleSource> Sources => _sources;

    /// <summary>
    /// The caller's copies over given hole values as if every earlier record the holes read were another hospital's:
    /// how tests hold every template, the shipped ones and an auditor's, to what a caller may read.
    /// </summary>
    internal (string Zh, string En) RenderAllForeign(object?[] values)
    {
        var withheld = (object?[])values.Clone();
        for (var i = 0; i < withheld.Length; i++)
        {
            if (_sources[i].Record >= 0)
            {
                withheld[i] = _sources[i].IsHospital ? Withheld.Hospital : Withheld.Detail;
            }
        }

        Span<char> buffer = stackalloc char[256];
        return (Zh.Render(withheld, buffer, MessageTemplate.OtherInstitutionZh), En.Render(withheld, buffer, MessageTemplate.OtherInstitutionEn));
    }

    /// <summary>
    /// Replaces, in <paramref name="values"/>, each detail of a record that is not <paramref name="callerHospital"/>'s
    /// (or whose hospital cannot be told) with <see cref="Withheld"/>; true if any was.
    /// </summary>
    private bool Withhold(object[] args, string callerHospital, Span<object?> values)
    {
        Span<sbyte> foreign = stackalloc sbyte[_records.Length]; // 0 not yet known, 1 another hospital's, -1 the caller's own
        var any = false;
        for (var i = 0; i < values.Length; i++)
        {
            var source = _sources[i];
            if (source.Record < 0)
            {
                continue;
            }

            if (foreign[source.Record] == 0)
            {
                var hospital = Evaluate(_records[source.Record], args) switch
                {
                    History.HistoryLine line => line.HospitalId,
                    History.HistoryEncounter encounter => encounter.HospitalId,
                    null => callerHospital, // no record: the hole prints nothing either way
                    _ => null, // not a record of the history: nothing known of its origin, so withheld
                };
                foreign[source.Record] = (sbyte)(string.Equals(hospital, callerHospital, StringComparison.Ordinal) ? -1 : 1);
            }

            if (foreign[source.Record] > 0)
            {
                values[i] = source.IsHospital ? Withheld.Hospital : Withheld.Detail;
                any = true;
            }
        }

        return any;
    }

    private static object? Evaluate(Func<object[], object> hole, object[] args)
    {
        try
        {
            return hole(args);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return "?";
        }
    }

    [InlineArray(InlineHoles)]
    private struct HoleBuffer
    {
        private object? _first;
    }
}

/// <summary>What a caller's message shows instead of another hospital's detail.</summary>
internal sealed class Withheld
{
    /// <summary>Another hospital's id: the message says "another institution".</summary>
    public static readonly Withheld Hospital = new();

    /// <summary>A date or other detail of another hospital's record: the template section holding it is left out.</summary>
    public static readonly Withheld Detail = new();

    private Withheld()
    {
    }
}
