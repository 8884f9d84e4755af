using System.Text;

namespace SmartAudit.Core.Knowledge;

/// <summary>
/// A parsed CSV file: a header row and data rows, each row remembering its line number so that a
/// problem can be reported where the auditor will find it. RFC 4180 quoting is supported.
/// </summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string file, string[] header, int headerLine, List<CsvRow> rows)
    {
        File = file;
        HeaderLine = headerLine;
        Header = header;
        Rows = rows;
        _columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            _columns.TryAdd(header[i], i);
        }
    }

    public string File { get; }

    public IReadOnlyList<string> Header { get; }

    /// <summary>The line the header row is on (blank lines may come before it).</summary>
    public int HeaderLine { get; }

    public IReadOnlyList<CsvRow> Rows { get; }

    public int ColumnIndex(string name) => _columns.TryGetValue(name, out var i) ? i : -1;

    public static CsvTable Parse(string file, string content)
    {
        var rows = new List<CsvRow>(content.Length / 48);
        string[]? header = null;
        var headerLine = 1;
        var lineNumber = 0;
        var position = 0;
        var fields = new List<string>(8);
        while (ReadRecord(content, ref position, ref lineNumber, fields, out var startLine))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            if (header is null)
            {
                header = [.. fields.Select(f => f.Trim().TrimStart('\uFEFF'))];
                headerLine = startLine;
                continue;
            }

            rows.Add(new CsvRow(startLine, [.. fields]));
        }

        return new CsvTable(file, header ?? [], headerLine, rows);
    }

    /// <summary>
    /// Reads one record starting at <paramref name="position"/> into <paramref name="fields"/>. Lines
    /// without quotes (nearly all of a catalogue) are cut with span searches; a quoted field takes the slow
    /// path, and may span lines.
    /// </summary>
    private static bool ReadRecord(string content, ref int position, ref int lineNumber, List<string> fields, out int startLine)
    {
        fields.Clear();
        startLine = lineNumber + 1;
        if (position >= content.Length)
        {
            return false;
        }

        var rest = content.AsSpan(position);
        var end = rest.IndexOfAny('\n', '"');
        if (end < 0 || rest[end] == '\n')
        {
            var length = end < 0 ? rest.Length : end;
            var line = rest[..length];
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            foreach (var range in line.Split(','))
            {
                fields.Add(line[range].ToString());
            }

            position += end < 0 ? rest.Length : end + 1;
            lineNumber++;
            return true;
        }

        ReadQuotedRecord(content, ref position, ref lineNumber, fields);
        return true;
    }

    private static void ReadQuotedRecord(string content, ref int position, ref int lineNumber, List<string> fields)
    {
        var field = new StringBuilder();
        var inQuotes = false;
        lineNumber++;
        for (; position < content.Length; position++)
        {
            var c = content[position];
            if (inQuotes)
            {
                if (c == '"' && position + 1 < content.Length && content[position + 1] == '"')
                {
                    field.Append('"');
                    position++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        lineNumber++; // a quoted field spans lines
                    }

                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                position++;
                break;
            }
            else if (c != '\r' || position + 1 >= content.Length || content[position + 1] != '\n')
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
    }
}

/// <summary>One data row of a <see cref="CsvTable"/>.</summary>
internal sealed record CsvRow(int Line, string[] Fields)
{
    public string Get(int column) => column >= 0 && column < Fields.Length ? Fields[column].Trim() : string.Empty;
}
