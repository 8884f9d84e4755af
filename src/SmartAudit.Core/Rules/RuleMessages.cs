using System.Runtime.CompilerServices;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace SmartAudit.Core.Rules;

/// <summary>
/// The expressions in a rule's message holes, each distinct one compiled once for both languages. The
/// Chinese and English messages mostly ask the same things (the line, its limit, the patient's value); fact
/// expressions are pure, so a finding evaluates each distinct hole once and both messages print that value.
/// </summary>
internal sealed class MessageHoles(RuleExpressionParser parser, RuleParameter[] parameters)
{
    private readonly List<string> _expressions = [];
    private readonly List<Func<object[], object>> _values = [];

    /// <summary>The index of <paramref name="expression"/>'s hole, compiling it the first time it is seen.</summary>
    /// <exception cref="Exception">The expression does not compile (RulesEngine's parser says why).</exception>
    public int Add(string expression)
    {
        var index = _expressions.IndexOf(expression);
        if (index >= 0)
        {
            return index;
        }

        _values.Add(parser.Compile<object>(expression, parameters));
        _expressions.Add(expression);
        return _values.Count - 1;
    }

    public Func<object[], object>[] ToArray() => [.. _values];
}

/// <summary>A rule's messages in both languages over its shared <see cref="MessageHoles"/>.</summary>
internal sealed class RuleMessages
{
    /// <summary>Holes evaluated into a buffer on the stack; a rule with more gets an array.</summary>
    private const int InlineHoles = 16;

    private readonly Func<object[], object>[] _holes;

    private RuleMessages(MessageTemplate zh, MessageTemplate en, Func<object[], object>[] holes)
    {
        Zh = zh;
        En = en;
        _holes = holes;
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
        return new RuleMessages(zhTemplate, enTemplate, holes.ToArray());
    }

    /// <summary>Both messages for a finding over <paramref name="args"/>; a hole whose expression throws reads "?".</summary>
    public (string Zh, string En) Render(object[] args)
    {
        var inline = default(HoleBuffer);
        var values = _holes.Length <= InlineHoles ? ((Span<object?>)inline)[.._holes.Length] : new object?[_holes.Length];
        for (var i = 0; i < _holes.Length; i++)
        {
            try
            {
                values[i] = _holes[i](args);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                values[i] = "?";
            }
        }

        Span<char> buffer = stackalloc char[256];
        var zh = Zh.Render(values, buffer);
        return (zh, En.Render(values, buffer));
    }

    [InlineArray(InlineHoles)]
    private struct HoleBuffer
    {
        private object? _first;
    }
}
