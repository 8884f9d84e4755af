using System.Globalization;
using System.Text;
using SmartAudit.Core.Rules;

namespace SmartAudit.Testing;

/// <summary>
/// The shipped rule set (its hand-written catalogue) with its catalogue grown to a given size by deterministic generated items in
/// national-code shapes (drugs X + ATC-like letters, 15-digit services, C + 19-digit materials), a share
/// of them carrying restrictions in each table. The shipped items stay, so the same orders do the same
/// work whatever the size: what changes is only how much the knowledge base holds.
/// </summary>
public static class SyntheticCatalogue
{
    public static RuleSetSource Source(int itemCount, int seed = 1)
    {
        // The hand-written rows only: the generated national catalogue would put 50,000 items under every size.
        var shipped = new RuleSetSource([.. ShippedRules.Source.Files.Where(f => !f.Path.Contains(".generated.", StringComparison.Ordinal))]);
        var random = new Random(seed);
        var extra = Math.Max(0, itemCount - CountRows(shipped.Find("kb/items.csv")!.Content));
        var items = new StringBuilder(shipped.Find("kb/items.csv")!.Content);
        var tables = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        foreach (var table in new[] { "sex", "age", "level", "dose", "price" })
        {
            tables[table] = new StringBuilder(shipped.Find($"kb/{table}.csv")!.Content);
        }

        for (var i = 0; i < extra; i++)
        {
            var kind = (i % 10) switch { < 6 => "drug", < 9 => "service", _ => "material" };
            var code = kind switch
            {
                "drug" => string.Create(CultureInfo.InvariantCulture, $"X{(char)('A' + random.Next(14))}{random.Next(10, 99)}{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}{i:D7}"),
                "service" => string.Create(CultureInfo.InvariantCulture, $"9{i:D9}{random.Next(10000, 99999)}"),
                _ => string.Create(CultureInfo.InvariantCulture, $"C9{i:D9}{random.Next(100_000_000, 999_999_999)}"),
            };
            items.Append(CultureInfo.InvariantCulture, $"{code},合成项目{i},{kind},Synthetic item {i}\n");
            var roll = random.Next(100);
            if (roll < 4)
            {
                tables["sex"].Append(CultureInfo.InvariantCulture, $"{code},{(random.Next(2) == 0 ? "M" : "F")}\n");
            }
            else if (roll < 8)
            {
                tables["age"].Append(CultureInfo.InvariantCulture, $"{code},{(random.Next(2) == 0 ? "18," : ",14")}\n");
            }
            else if (roll < 11)
            {
                tables["level"].Append(CultureInfo.InvariantCulture, $"{code},{random.Next(2, 4)}\n");
            }

            if (kind == "drug" && random.Next(100) < 40)
            {
                tables["dose"].Append(CultureInfo.InvariantCulture, $"{code},{random.Next(1, 400) * 10},mg,{(random.Next(2) == 0 ? 7 : 30)}\n");
            }
            else if (kind != "drug" && random.Next(100) < 50)
            {
                var cap = random.Next(100, 50_000);
                tables["price"].Append(CultureInfo.InvariantCulture, $"{code},{cap},{cap + cap / 5},{cap + cap / 2}\n");
            }
        }

        var replaced = new Dictionary<string, string>(StringComparer.Ordinal) { ["kb/items.csv"] = items.ToString() };
        foreach (var (table, text) in tables)
        {
            replaced[$"kb/{table}.csv"] = text.ToString();
        }

        return new RuleSetSource([.. shipped.Files.Select(f => replaced.TryGetValue(f.Path, out var content) ? f with { Content = content } : f)]);
    }

    public static RuleSet RuleSet(int itemCount, int seed = 1)
    {
        var compilation = RuleSetCompiler.Compile(Source(itemCount, seed));
        return compilation.RuleSet ?? throw new InvalidOperationException(string.Join('\n', compilation.Problems.Take(10)));
    }

    private static int CountRows(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
}
