using System.Globalization;
using System.Text;
using SmartAudit.Core.Audit;

namespace SmartAudit.Core.Rules;

/// <summary>
/// A finding's message: text with <c>{expression}</c> or <c>{expression|format}</c> holes, each a RulesEngine
/// expression over the rule's own parameters, compiled once and evaluated only when the rule fires.
/// Formats: <c>yuan</c> (fen as yuan, two decimals), <c>zh</c> / <c>en</c> (enum names in Chinese or
/// English). <c>{{</c> and <c>}}</c> stand for literal braces. The expressions themselves live in the
/// rule's <see cref="MessageHoles"/>, shared by its messages in both languages; a template says where each goes.
/// <para>
/// <c>[…]</c> marks a section the calling hospital's copy may leave out (<c>[[</c> and <c>]]</c> are literal
/// brackets): a hole that prints a date or other detail of one of the patient's earlier records
/// (<c>ctx.History.….ServiceDate</c>) must sit in one, and when that record is another hospital's, the caller's
/// message drops the section; that hospital's id prints as "another institution". The whole text, with every
/// section, goes to the decision log.
/// </para>
/// </summary>
internal sealed class MessageTemplate
{
    /// <summary>Another hospital, as the caller's Chinese message names it.</summary>
    public const string OtherInstitutionZh = "其他机构";

    /// <summary>Another hospital, as the caller's English message names it.</summary>
    public const string OtherInstitutionEn = "another institution";

    private const int MaxSections = 64;

    private readonly Segment[] _segments;

    private MessageTemplate(Segment[] segments) => _segments = segments;

    public static MessageTemplate Compile(string template, MessageHoles holes)
    {
        var segments = new List<Segment>();
        var text = new StringBuilder();
        var section = -1; // the section being read, or -1 outside any
        var sections = 0;
        void EndText()
        {
            if (text.Length > 0)
            {
                segments.Add(new Segment(text.ToString(), -1, null, section));
                text.Clear();
            }
        }

        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c is '{' or '}' or '[' or ']') && i + 1 < template.Length && template[i + 1] == c)
            {
                text.Append(c);
                i++;
                continue;
            }

            if (c == '}')
            {
                throw new FormatException($"unmatched '}}' at position {i + 1}");
            }

            if (c == '[')
            {
                if (section >= 0)
                {
                    throw new FormatException($"'[' at position {i + 1} opens a section inside another (write '[[' for a bracket)");
                }

                if (sections == MaxSections)
                {
                    throw new FormatException($"more than {MaxSections} sections");
                }

                EndText();
                section = sections++;
                continue;
            }

            if (c == ']')
            {
                if (section < 0)
                {
                    throw new FormatException($"unmatched ']' at position {i + 1} (write ']]' for a bracket)");
                }

                EndText();
                section = -1;
                continue;
            }

            if (c != '{')
            {
                text.Append(c);
                continue;
            }

            var end = template.IndexOf('}', i + 1);
            if (end < 0)
            {
                throw new FormatException($"unclosed '{{' at position {i + 1}");
            }

            EndText();
            var hole = template[(i + 1)..end];
            var bar = hole.LastIndexOf('|');
            // The known formats as literals, so that rendering compares them by reference.
            var format = bar < 0 ? null : hole[(bar + 1)..].Trim() switch
            {
                "yuan" => "yuan",
                "zh" => "zh",
                "en" => "en",
                var other => other,
            };
            var expression = bar >= 0 ? hole[..bar] : hole;
            if (format is not (null or "yuan" or "zh" or "en"))
            {
                throw new FormatException($"unknown format '{format}' in '{{{hole}}}' (known: yuan, zh, en)");
            }

            int index;
            try
            {
                index = holes.Add(expression.Trim());
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new FormatException($"'{{{hole}}}' does not compile: {ex.Message}", ex);
            }

            if (section < 0 && holes.IsRecordDetail(index))
            {
                throw new FormatException($"'{{{hole}}}' prints a detail of an earlier record, which may be another hospital's: "
                    + "put it in a [ … ] section, which the calling hospital's copy leaves out when it is");
            }

            segments.Add(new Segment(null, index, format, section));
            i = end;
        }

        if (section >= 0)
        {
            throw new FormatException("a '[' section is not closed");
        }

        EndText();
        return new MessageTemplate([.. segments]);
    }

    /// <param name="values">The value of each of the rule's holes for this finding ("?" for one that failed).</param>
    /// <param name="buffer">Where the text is built (a pooled array takes over past its end): the finished string is the only allocation.</param>
    /// <param name="otherInstitution">
    /// For the caller's copy: what a <see cref="Withheld.Hospital"/> value prints as; sections holding a
    /// <see cref="Withheld.Detail"/> are left out. Null for the whole text.
    /// </param>
    public string Render(ReadOnlySpan<object?> values, Span<char> buffer, string? otherInstitution = null)
    {
        var dropped = 0UL;
        if (otherInstitution is not null)
        {
            foreach (var segment in _segments)
            {
                if (segment.Text is null && segment.Section >= 0 && ReferenceEquals(values[segment.Hole], Withheld.Detail))
                {
                    dropped |= 1UL << segment.Section;
                }
            }
        }

        var builder = new MessageBuilder(buffer);
        foreach (var segment in _segments)
        {
            if (segment.Section >= 0 && (dropped & (1UL << segment.Section)) != 0)
            {
                continue;
            }

            if (segment.Text is not null)
            {
                builder.Append(segment.Text);
            }
            else if (values[segment.Hole] is Withheld withheld)
            {
                builder.Append(ReferenceEquals(withheld, Withheld.Hospital) ? otherInstitution ?? "" : "");
            }
            else
            {
                Append(ref builder, values[segment.Hole], segment.Format);
            }
        }

        return builder.ToStringAndClear();
    }

    /// <summary>
    /// Appends what <see cref="Format"/> would return, writing the common values (text, dates, whole numbers,
    /// amounts in yuan) in place instead of through a string of their own.
    /// </summary>
    private static void Append(ref MessageBuilder builder, object? value, string? format)
    {
        switch (value)
        {
            case string text:
                builder.Append(text);
                return;
            case DateOnly date:
                builder.Append(date);
                return;
            case long fen when format == "yuan":
                AppendYuan(ref builder, fen);
                return;
            case int fen when format == "yuan":
                AppendYuan(ref builder, fen);
                return;
            case int number when format is null:
                builder.Append(number);
                return;
            case long number when format is null:
                builder.Append(number);
                return;
            case double number:
                AppendNumber(ref builder, number);
                return;
            default:
                builder.Append(Format(value, format));
                return;
        }
    }

    /// <summary>As <c>(fen / 100m).ToString("0.00", CultureInfo.InvariantCulture)</c>: whole fen are exact in two decimals.</summary>
    private static void AppendYuan(ref MessageBuilder builder, long fen)
    {
        if (fen < 0)
        {
            builder.Append('-');
        }

        var magnitude = fen < 0 ? (ulong)(-(fen + 1)) + 1 : (ulong)fen;
        builder.Append(magnitude / 100);
        var cents = (int)(magnitude % 100);
        builder.Append('.');
        builder.Append((char)('0' + (cents / 10)));
        builder.Append((char)('0' + (cents % 10)));
    }

    /// <summary>
    /// As <c>number.ToString("0.###", CultureInfo.InvariantCulture)</c>. Whole numbers below 10^15 (within the
    /// custom format's 15 significant digits) print as the integer they are; -0 and the rest take the format.
    /// </summary>
    private static void AppendNumber(ref MessageBuilder builder, double number)
    {
        if (Math.Abs(number) < 1e15 && number == Math.Floor(number) && !double.IsNegative(number))
        {
            builder.Append((long)number);
            return;
        }

        builder.Append(number, "0.###");
    }

    private static string Format(object? value, string? format) => (value, format) switch
    {
        (null, _) => string.Empty,
        (long fen, "yuan") => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture),
        (int fen, "yuan") => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture),
        (Sex sex, "zh") => sex == Sex.Male ? "男" : "女",
        (EncounterKind kind, "zh") => kind switch { EncounterKind.Inpatient => "住院", EncounterKind.Pharmacy => "药店", _ => "门诊" },
        (ItemKind kind, "zh") => kind switch { ItemKind.Drug => "药品", ItemKind.Service => "诊疗项目", _ => "医用耗材" },
        (DateOnly date, _) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        (double number, _) => number.ToString("0.###", CultureInfo.InvariantCulture),
        (Sex sex, "en") => sex == Sex.Male ? "male" : "female",
        (Enum e, "en") => e.ToString().ToLowerInvariant(),
        (IFormattable f, _) => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>
    /// Literal <see cref="Text"/>, or the value of hole number <see cref="Hole"/> in <see cref="Format"/>; in
    /// section number <see cref="Section"/>, or -1 outside any.
    /// </summary>
    private sealed record Segment(string? Text, int Hole, string? Format, int Section);
}
