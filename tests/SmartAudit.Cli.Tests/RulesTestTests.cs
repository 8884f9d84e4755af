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
        Assert.Contains("8 of 8 rules pass", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
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
