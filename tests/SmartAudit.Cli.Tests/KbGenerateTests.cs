using SmartAudit.Cli.Knowledge;
using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

public class KbGenerateTests
{
    [Fact]
    public void ShippedParameters_ReproduceTheCommittedCatalogueByteForByte()
    {
        var kb = Path.Combine(ShippedRules.Folder, "kb");

        var files = GenerateCatalogueCommand.Generate(kb, GenerateCatalogueCommand.ShippedItems, GenerateCatalogueCommand.ShippedSeed);

        Assert.Equal(
            Directory.EnumerateFiles(kb, "*" + CatalogueGenerator.Suffix).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            files.Keys.Order(StringComparer.Ordinal));
        Assert.All(files, file => Assert.True(file.Value == File.ReadAllText(Path.Combine(kb, file.Key)),
            $"{file.Key} differs from what 'smartaudit kb generate' makes: regenerate it and commit the result"));
    }

    [Fact]
    public void Generate_HoldsTheRequestedItemsWithRestrictionsInEveryTable()
    {
        var files = new CatalogueGenerator(seed: 5, itemCount: 4000, new HashSet<string>()).Generate();

        Assert.Equal(4000, Rows(files["items.generated.csv"]));
        Assert.All(new[] { "sex", "age", "level", "dose", "price", "department", "indication", "ingredient", "frequency", "per-diem", "contraindications", "exclusive-pairs" },
            table => Assert.True(Rows(files[table + CatalogueGenerator.Suffix]) > 0, $"{table} has no generated rows"));
        var kinds = files["items.generated.csv"].Split('\n').Skip(1).Where(l => l.Length > 0).GroupBy(l => l.Split(',')[2]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(["drug", "material", "service"], kinds.Keys.Order());
    }

    [Fact]
    public void Generate_SameSeedSameFiles_OtherSeedOtherFiles()
    {
        var first = new CatalogueGenerator(seed: 7, itemCount: 1000, new HashSet<string>()).Generate();
        var again = new CatalogueGenerator(seed: 7, itemCount: 1000, new HashSet<string>()).Generate();
        var other = new CatalogueGenerator(seed: 8, itemCount: 1000, new HashSet<string>()).Generate();

        Assert.Equal(first, again);
        Assert.NotEqual(first["items.generated.csv"], other["items.generated.csv"]);
    }

    [Fact]
    public void GeneratedIntoARuleSet_TheSetValidates()
    {
        using var folder = new TempRuleSetFolder();

        var run = Cli.Run("kb", "generate", "--out", Path.Combine(folder.Path, "kb"), "--items", "3000", "--seed", "11");
        var validate = Cli.Run("rules", "validate", folder.Path);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("items.generated.csv: 3,000 rows", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, validate.ExitCode);
        Assert.Contains("catalogue: 3", validate.Stdout, StringComparison.Ordinal);
    }

    private static int Rows(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
}
