using System.Globalization;
using System.Text;

namespace SmartAudit.Cli.Knowledge;

/// <summary>
/// Generates a national-style catalogue for the knowledge base, deterministic by seed: drugs grouped by
/// ingredient and therapeutic class (codes <c>X</c> + ATC class + serials), medical services by category
/// (15-digit codes), and medical consumables (<c>C</c> + 20 digits), each class carrying the restrictions
/// such items carry in the national catalogue: sex, age and newborn limits, hospital level, department,
/// indication, dose and days of supply (with chronic long-prescription limits), ingredient, frequency,
/// per-diem units, price caps by hospital level, contraindicated ingredient pairs, and exclusive or bundled
/// service pairs.
/// </summary>
/// <remarks>
/// The output is one file per table, <c>&lt;table&gt;.generated.csv</c>, read together with the
/// hand-written <c>&lt;table&gt;.csv</c>. Codes that the hand-written catalogue already uses are skipped,
/// so the two never collide. Same seed, size and hand-written codes: byte-identical files.
/// </remarks>
internal sealed class CatalogueGenerator(int seed, int itemCount, IReadOnlySet<string> reservedCodes)
{
    public const string Suffix = ".generated.csv";

    private readonly Random _random = new(seed);
    private readonly HashSet<string> _codes = new(reservedCodes, StringComparer.Ordinal);
    private readonly Dictionary<string, StringBuilder> _tables = new(StringComparer.Ordinal);

    /// <summary>File name (e.g. <c>items.generated.csv</c>) to content.</summary>
    public IReadOnlyDictionary<string, string> Generate()
    {
        Header("items", "item_code,name,kind,name_en");
        Header("sex", "item_code,sex");
        Header("age", "item_code,min_age_years,max_age_years,min_age_days,max_age_days");
        Header("level", "item_code,min_hospital_level");
        Header("dose", "item_code,max_daily_dose,dose_unit,max_days_of_supply,max_days_chronic");
        Header("price", "item_code,cap_level1_fen,cap_level2_fen,cap_level3_fen");
        Header("department", "item_code,departments");
        Header("indication", "item_code,icd_prefixes,restriction_zh,restriction_en");
        Header("ingredient", "item_code,ingredient");
        Header("frequency", "item_code,max_per_day,max_per_period,period_days");
        Header("per-diem", "item_code,unit");
        Header("contraindications", "ingredient_a,ingredient_b,note_zh,note_en");
        Header("exclusive-pairs", "item_a,item_b,kind,override_modifier,note_zh,note_en");

        // National catalogues hold roughly 45% drugs, 25% services and 30% consumables.
        var drugs = itemCount * 45 / 100;
        var services = itemCount * 25 / 100;
        var ingredients = GenerateDrugs(drugs);
        var serviceCodes = GenerateServices(services);
        var materialCodes = GenerateMaterials(itemCount - drugs - services);
        GenerateContraindications(ingredients);
        GenerateExclusivePairs(serviceCodes, materialCodes);
        return _tables.ToDictionary(t => t.Key + Suffix, t => t.Value.ToString(), StringComparer.Ordinal);
    }

    private List<(string Id, DrugClass Class)> GenerateDrugs(int count)
    {
        var ingredients = new List<(string, DrugClass)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var made = 0;
        var serialByAtc = new Dictionary<string, int>(StringComparer.Ordinal);
        while (made < count)
        {
            var drugClass = CatalogueVocabulary.DrugClasses[_random.Next(CatalogueVocabulary.DrugClasses.Length)];
            var (zh, en) = IngredientName(drugClass, names);
            var serial = serialByAtc[drugClass.Atc] = serialByAtc.GetValueOrDefault(drugClass.Atc) + 1;
            var ingredient = $"{drugClass.Atc}-{serial:D3}";
            ingredients.Add((ingredient, drugClass));
            var products = Math.Min(1 + _random.Next(8), count - made);
            for (var p = 0; p < products; p++)
            {
                var form = CatalogueVocabulary.Forms[_random.Next(CatalogueVocabulary.Forms.Length)];
                var strength = drugClass.DoseMg / (1 << _random.Next(3));
                var code = Unique($"X{drugClass.Atc}{(char)('A' + (serial / 1000 % 26))}{serial % 1000:D3}{form.Letter}{p + 1:D3}");
                var paediatric = drugClass.ChildFormAllowed && _random.Next(8) == 0;
                var name = $"{zh}{form.Zh}{(paediatric ? "（儿童）" : "")}";
                Row("items", code, name, "drug", $"{en} {form.En}{(paediatric ? " (paediatric)" : "")} {Number(strength)} mg");
                Row("ingredient", code, ingredient);
                var daysChronic = drugClass.Chronic ? "84" : "";
                Row("dose", code, Number(drugClass.DoseMg * drugClass.MaxDosesPerDay), "mg", drugClass.Chronic ? "30" : "7", daysChronic);
                if (paediatric)
                {
                    Row("age", code, "", "14", "", "");
                }
                else if (drugClass.MinAgeYears is { } minAge)
                {
                    Row("age", code, Number(minAge), "", "", "");
                }
                else if (drugClass.NotForNewborns)
                {
                    Row("age", code, "", "", "29", "");
                }

                if (drugClass.Sex is { } sex)
                {
                    Row("sex", code, sex);
                }

                if (drugClass.MinLevel is { } level)
                {
                    Row("level", code, Number(level));
                }

                if (drugClass.Departments is { } departments)
                {
                    Row("department", code, departments);
                }

                if (drugClass.Indication is { } indication && _random.Next(3) > 0)
                {
                    Row("indication", code, indication.Prefixes, indication.Zh, indication.En);
                }

                made++;
            }
        }

        return ingredients;
    }

    private List<(string Code, ServiceCategory Category)> GenerateServices(int count)
    {
        var codes = new List<(string, ServiceCategory)>(count);
        var serials = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var category = CatalogueVocabulary.ServiceCategories[_random.Next(CatalogueVocabulary.ServiceCategories.Length)];
            var serial = serials[category.Prefix] = serials.GetValueOrDefault(category.Prefix) + 1;
            var code = Unique($"{category.Prefix}{serial % 1000:D3}{serial / 1000 + 1:D2}0000");
            var variant = CatalogueVocabulary.Variants[_random.Next(CatalogueVocabulary.Variants.Length)];
            Row("items", code, $"{category.Zh}（{variant.Zh}{serial}）", "service", $"{category.En} ({variant.En} {serial})");
            var cap = category.PriceFen * (80 + _random.Next(60)) / 100;
            if (_random.Next(10) < 8)
            {
                Row("price", code, Number(cap * 80 / 100), Number(cap * 90 / 100), Number(cap));
            }

            if (category.PerDiem is { } unit)
            {
                Row("per-diem", code, unit);
            }
            else if (category.MaxPerDay is { } perDay)
            {
                Row("frequency", code, Number(perDay), "", "");
            }
            else if (category.PeriodDays is { } period && _random.Next(4) == 0)
            {
                Row("frequency", code, "", "1", Number(period));
            }

            if (category.Sex is { } sex)
            {
                Row("sex", code, sex);
            }

            if (category.NewbornOnly)
            {
                Row("age", code, "", "", "", "28");
            }

            if (category.MinLevel is { } level && _random.Next(2) == 0)
            {
                Row("level", code, Number(level));
            }

            codes.Add((code, category));
        }

        return codes;
    }

    private List<string> GenerateMaterials(int count)
    {
        var codes = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var material = CatalogueVocabulary.Materials[_random.Next(CatalogueVocabulary.Materials.Length)];
            var code = Unique(string.Create(CultureInfo.InvariantCulture,
                $"C{material.Category:D2}{_random.Next(10_000_000, 99_999_999):D8}{i:D10}"));
            var spec = CatalogueVocabulary.Specs[_random.Next(CatalogueVocabulary.Specs.Length)];
            Row("items", code, $"{material.Zh}（{spec}）", "material", $"{material.En} ({spec})");
            var cap = material.PriceFen * (70 + _random.Next(80)) / 100;
            if (_random.Next(10) < 6)
            {
                Row("price", code, Number(cap * 85 / 100), Number(cap * 92 / 100), Number(cap));
            }

            if (material.HighValue)
            {
                Row("level", code, "3");
            }

            codes.Add(code);
        }

        return codes;
    }

    /// <summary>Known interacting class pairs, instantiated on ingredients of those classes.</summary>
    private void GenerateContraindications(List<(string Id, DrugClass Class)> ingredients)
    {
        var byClass = ingredients.GroupBy(i => i.Class.Atc, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(i => i.Id).ToList(), StringComparer.Ordinal);
        var seen = new HashSet<(string, string)>();
        foreach (var interaction in CatalogueVocabulary.Interactions)
        {
            if (!byClass.TryGetValue(interaction.AtcA, out var first) || !byClass.TryGetValue(interaction.AtcB, out var second))
            {
                continue;
            }

            for (var n = 0; n < interaction.Pairs; n++)
            {
                var a = first[_random.Next(first.Count)];
                var b = second[_random.Next(second.Count)];
                if (a != b && seen.Add((a, b)) && seen.Add((b, a)))
                {
                    Row("contraindications", a, b, interaction.Zh, interaction.En);
                }
            }
        }
    }

    /// <summary>Same-category procedures that exclude each other, and consumables bundled into procedure fees.</summary>
    private void GenerateExclusivePairs(List<(string Code, ServiceCategory Category)> services, List<string> materials)
    {
        var seen = new HashSet<(string, string)>();
        var byCategory = services.GroupBy(s => s.Category.Prefix, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(s => s.Code).ToList(), StringComparer.Ordinal);
        foreach (var (prefix, codes) in byCategory.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var category = services.First(s => s.Category.Prefix == prefix).Category;
            if (category.Exclusive is not { } exclusive || codes.Count < 2)
            {
                continue;
            }

            for (var n = 0; n < codes.Count / 20; n++)
            {
                var a = codes[_random.Next(codes.Count)];
                var b = codes[_random.Next(codes.Count)];
                if (a != b && seen.Add((a, b)) && seen.Add((b, a)))
                {
                    Row("exclusive-pairs", a, b, "exclusive", exclusive.Modifier, exclusive.Zh, exclusive.En);
                }
            }
        }

        var bundling = services.Where(s => s.Category.BundlesConsumables).Select(s => s.Code).ToList();
        for (var n = 0; n < bundling.Count / 10 && materials.Count > 0; n++)
        {
            var service = bundling[_random.Next(bundling.Count)];
            var material = materials[_random.Next(materials.Count)];
            if (seen.Add((service, material)))
            {
                Row("exclusive-pairs", service, material, "bundled", "", "该项目收费已含此耗材，不得另收", "the procedure fee includes this consumable");
            }
        }
    }

    private (string Zh, string En) IngredientName(DrugClass drugClass, HashSet<string> names)
    {
        while (true)
        {
            var head = CatalogueVocabulary.Syllables[_random.Next(CatalogueVocabulary.Syllables.Length)];
            var middle = CatalogueVocabulary.Syllables[_random.Next(CatalogueVocabulary.Syllables.Length)];
            var zh = head.Zh + middle.Zh + drugClass.SuffixZh;
            if (names.Add(zh))
            {
                return (zh, char.ToUpperInvariant(head.En[0]) + head.En[1..] + middle.En + drugClass.SuffixEn);
            }
        }
    }

    private string Unique(string code)
    {
        var candidate = code;
        for (var n = 1; !_codes.Add(candidate); n++)
        {
            if (n > 999)
            {
                throw new InvalidOperationException($"no free code near {code}: the catalogue is too dense for its code space");
            }

            candidate = code[..^3] + n.ToString("D3", CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private void Header(string table, string header) => _tables[table] = new StringBuilder(header).Append('\n');

    private void Row(string table, params string[] fields)
    {
        var builder = _tables[table];
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(fields[i]);
        }

        builder.Append('\n');
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
