using SmartAudit.Cli.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Cli.Tests;

public class RulesTestTests
{
    [Fact]
    public void ShippedRules_EveryRuleFiresAndStaysSilentAsItsCasesSay()
    {
        var run = Cli.Run("rules", "test", ShippedRules.Folder);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.DoesNotContain("FAIL", run.Stdout, StringComparison.Ordinal);
        var rules = ShippedRules.RuleSet.Rules.Count;
        Assert.Contains($"{rules} of {rules} rules pass", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public void ShippedRules_EveryRuleHasAFiringAndASilentCase()
    {
        var cases = RuleTestSuite.Load(ShippedRules.Folder, []);

        Assert.All(ShippedRules.RuleSet.Rules, rule =>
        {
            var own = cases.Where(c => c.RuleId == rule.Id).ToList();
            Assert.True(own.Any(c => c.Expected.Count > 0), $"{rule.Id} has no case where it fires");
            Assert.True(own.Any(c => c.Expected.Count == 0), $"{rule.Id} has no case where it stays silent");
        });
    }

    [Fact]
    public void ShippedRules_FiringCases_RenderEveryValueOfTheirMessages()
    {
        var mapper = new Contracts.Mapping.CheckRequestMapper(new Contracts.Mapping.RequestLimits(1000, TimeSpan.FromHours(8)));
        var messages = RuleTestSuite.Load(ShippedRules.Folder, [])
            .Where(c => c.Expected.Count > 0)
            .SelectMany(c => RuleTestSuite.Findings(c, ShippedRules.RuleSet, mapper).Select(f => (c.Name, MessageZh: f.Message, f.MessageEn)))
            .ToList();

        Assert.NotEmpty(messages);
        Assert.All(messages, m =>
        {
            // A value that fails to render shows as "?"; an empty value leaves a gap the doctor cannot read.
            Assert.DoesNotContain("?", m.MessageZh + m.MessageEn, StringComparison.Ordinal);
            Assert.DoesNotContain("（）", m.MessageZh, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"\s\s|\(\)|\s[,.:;]", m.MessageEn);
        });
    }

    [Fact]
    public void WrongExpectation_Exits1_ShowingTheCaseWithExpectedAndActual()
    {
        using var folder = new TempRuleSetFolder();
        folder.Replace("tests/sex.json", "\"severity\": \"BLOCK\"", "\"severity\": \"REMIND\"");

        var run = Cli.Run("rules", "test", folder.Path);

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.Contains("FAIL  GZ-SEX-001", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("expected: GZ-SEX-001 REMIND lines [1]", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("actual:   GZ-SEX-001 BLOCK lines [1]", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("PASS  GZ-AGE-001", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleWithoutASilentCase_Fails()
    {
        using var folder = new TempRuleSetFolder();
        folder.Write("tests/hospital-level.json", """
            { "cases": [ { "name": "only firing", "rule": "GZ-LVL-001", "expect": [ { "lineIds": ["1"] } ],
              "request": { "requestId": "T", "stage": "STAGE_PRE",
                "patient": { "id": "P", "sex": "SEX_MALE", "birthDate": { "year": 1980, "month": 1, "day": 1 } },
                "encounter": { "id": "E", "kind": "ENCOUNTER_KIND_OUTPATIENT", "hospitalId": "H", "hospitalLevel": 1 },
                "lines": [ { "lineId": "1", "itemCode": "XL01XCR141A001", "itemKind": "ITEM_KIND_DRUG", "quantity": 1, "orderedAt": "2026-03-10T01:00:00Z" } ] } } ] }
            """);

        var run = Cli.Run("rules", "test", folder.Path);

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.Contains("FAIL  GZ-LVL-001   1/1 cases (1 firing, 0 silent): no case where it stays silent", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CaseWithAnInvalidRequest_FailsNamingTheField()
    {
        using var folder = new TempRuleSetFolder();
        folder.Replace("tests/age.json", "\"stage\": \"STAGE_PRE\"", "\"stage\": \"STAGE_UNSPECIFIED\"");

        var run = Cli.Run("rules", "test", folder.Path);

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.Contains("the request is invalid: stage is missing", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TestFileThatIsNotJson_IsReportedByFileName()
    {
        using var folder = new TempRuleSetFolder();
        folder.Write("tests/broken.json", "{ \"cases\": [ ");

        var run = Cli.Run("rules", "test", folder.Path);

        Assert.Equal(ExitCodes.Problems, run.ExitCode);
        Assert.Contains("broken.json", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Cli.StackTraceMarker, run.Stderr, StringComparison.Ordinal);
    }
}
