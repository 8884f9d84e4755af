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
        var rows = new List<CsvRow>();
        string[]? header = null;
        var headerLine = 1;
        var lineNumber = 0;
        using var reader = new StringReader(content);
        while (ReadRecord(reader, ref lineNumber, out var fields, out var startLine))
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

    private static bool ReadRecord(StringReader reader, ref int lineNumber, out List<string> fields, out int startLine)
    {
        fields = [];
        startLine = lineNumber + 1;
        var line = reader.ReadLine();
        if (line is null)
        {
            return false;
        }

        lineNumber++;
        var field = new StringBuilder();
        var inQuotes = false;
        while (true)
        {
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (inQuotes)
                {
                    if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        inQuotes = false;
                    }
                    else
                    {
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
                else
                {
                    field.Append(c);
                }
            }

            if (!inQuotes)
            {
                break;
            }

            // A quoted field spans lines.
            line = reader.ReadLine();
            if (line is null)
            {
                break;
            }

            lineNumber++;
            field.Append('\n');
        }

        fields.Add(field.ToString());
        return true;
    }
}

/// <summary>One data row of a <see cref="CsvTable"/>.</summary>
internal sealed record CsvRow(int Line, string[] Fields)
{
    public string Get(int column) => column >= 0 && column < Fields.Length ? Fields[column].Trim() : string.Empty;
}
