using System.Globalization;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Rules;
using SmartAudit.Testing;

namespace SmartAudit.Core.Tests;

/// <summary>
/// Messages are written in place (dates, yuan, numbers) on a stack buffer: the text must be exactly what the
/// framework's formats print, whatever the value, and a message longer than the buffer must come out whole.
/// </summary>
public class MessageRenderingTests
{
    private const string Saline = "XB05BBN001A001"; // 氯化钠注射液: in the catalogue, in no table

    [Theory]
    [InlineData(0L)]
    [InlineData(5L)]
    [InlineData(-5L)]
    [InlineData(100L)]
    [InlineData(-100L)]
    [InlineData(123456L)]
    [InlineData(-123456L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Yuan_OfLongFen_IsFenOverAHundredWithTwoDecimals(long fen) =>
        Assert.Equal((fen / 100m).ToString("0.00", CultureInfo.InvariantCulture), Render("{v|yuan}", fen));

    [Theory]
    [InlineData(0)]
    [InlineData(-7)]
    [InlineData(1999)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Yuan_OfIntFen_IsFenOverAHundredWithTwoDecimals(int fen) =>
        Assert.Equal((fen / 100m).ToString("0.00", CultureInfo.InvariantCulture), Render("{v|yuan}", fen));

    [Theory]
    [InlineData(0.0)]
    [InlineData(3.0)]
    [InlineData(-3.0)]
    [InlineData(2.5)]
    [InlineData(0.1 + 0.2)]
    [InlineData(1.23456)]
    [InlineData(999999999999999.0)]
    [InlineData(1e15)]
    [InlineData(1234567890123456.0)]
    [InlineData(1e20)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Number_IsWhatTheThreeDecimalFormatPrints(double number) =>
        Assert.Equal(number.ToString("0.###", CultureInfo.InvariantCulture), Render("{v}", number));

    [Fact]
    public void Number_NegativeZero_IsWhatTheThreeDecimalFormatPrints() =>
        Assert.Equal((-0.0).ToString("0.###", CultureInfo.InvariantCulture), Render("{v}", -0.0));

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(999, 12, 31)]
    [InlineData(2026, 3, 10)]
    [InlineData(9999, 12, 31)]
    public void Date_IsYearMonthDay(int year, int month, int day)
    {
        var date = new DateOnly(year, month, day);
        Assert.Equal(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Render("{v}", date));
    }

    [Fact]
    public void Message_LongerThanTheBuffer_IsRenderedWhole()
    {
        var filler = string.Concat(Enumerable.Repeat("超过限量", 150));
        var ruleSet = TestRuleSet.Compile(new TestRule("T-MSG-LONG", "true")
        {
            MessageZh = filler + "{ctx.ServiceDate}" + filler + "{line.ItemCode}",
            MessageEn = "{line.ItemCode} " + filler + " {ctx.ServiceDate}",
        });
        var request = Orders.Request(Stage.Pre, null, null, Orders.Line(Saline));

        var finding = Assert.Single(AuditEngine.Evaluate(ruleSet, request).Findings, f => f.RuleId == "T-MSG-LONG");

        Assert.Equal(filler + "2026-03-10" + filler + Saline, finding.Message);
        Assert.Equal(Saline + " " + filler + " 2026-03-10", finding.MessageEn);
    }

    private static string Render<T>(string template, T value)
    {
        var holes = new MessageHoles(new RuleExpressionParser(RuleSetCompiler.CreateSettings()), [RuleParameter.Create("v", value)]);
        var compiled = MessageTemplate.Compile(template, holes);
        return compiled.Render([value], stackalloc char[16]);
    }
}
