using System.Globalization;
using SmartAudit.Core.Audit;
using SmartAudit.Core.Fraud;
using SmartAudit.Fraud.Features;

namespace SmartAudit.Fraud.Scoring;

/// <summary>
/// Turns the features that pushed a score up most (ML.NET feature contributions) into sentences a
/// reviewer reads without knowing the model: the value of the feature on this claim, against what is
/// usual where the feature is a comparison. A reason has a positive contribution and names something
/// unusual: a feature whose value lies in the middle half of clean claims' values is never a reason
/// (ML.NET's tree contributions compare with the other branch of each split, so an ordinary value can
/// carry a positive contribution; "this hospital is 1.0x its peers" explains nothing to a reviewer).
/// </summary>
public static class ReasonWriter
{
    /// <summary>At most this many reasons per score.</summary>
    public const int MaxReasons = 5;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<FraudReason> Top(ReadOnlySpan<float> features, ReadOnlySpan<float> contributions, AuditRequest request,
        IReadOnlyList<UsualRange> usual)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(usual);
        Span<int> best = stackalloc int[MaxReasons];
        var count = 0;
        for (var i = 0; i < contributions.Length && i < FraudFeatures.Count; i++)
        {
            if (contributions[i] <= 0 || (i < usual.Count && usual[i].Contains(features[i])))
            {
                continue;
            }

            // A short list kept sorted, largest contribution first.
            int at;
            if (count < MaxReasons)
            {
                at = count++;
            }
            else if (contributions[i] > contributions[best[MaxReasons - 1]])
            {
                at = MaxReasons - 1;
            }
            else
            {
                continue;
            }

            best[at] = i;
            for (; at > 0 && contributions[best[at - 1]] < contributions[best[at]]; at--)
            {
                (best[at - 1], best[at]) = (best[at], best[at - 1]);
            }
        }

        var reasons = new FraudReason[count];
        for (var r = 0; r < count; r++)
        {
            var feature = (FraudFeature)best[r];
            var value = features[best[r]];
            var (zh, en) = Describe(feature, value, request.Encounter);
            reasons[r] = new FraudReason(FraudFeatures.Name(feature), Math.Round(value, 4), Math.Round(contributions[best[r]], 4), zh, en);
        }

        return reasons;
    }

    /// <summary>The reason for one feature at one value, in Chinese and English.</summary>
    public static (string Zh, string En) Describe(FraudFeature feature, double value, Encounter encounter)
    {
        ArgumentNullException.ThrowIfNull(encounter);
        var peers = string.Create(Invariant, $"level {encounter.HospitalLevel} {encounter.Department}");
        var peersZh = string.Create(Invariant, $"{encounter.HospitalLevel}级医院{encounter.Department}科室");
        var n = Math.Round(value).ToString("N0", Invariant);
        var s = Math.Round(value) == 1 ? string.Empty : "s";
        var x = value.ToString("0.0", Invariant);
        var pct = (value * 100).ToString("0", Invariant) + "%";
        return feature switch
        {
            FraudFeature.TotalAmountYuan => ($"本次费用合计{n}元", $"the claim totals {n} yuan"),
            FraudFeature.LineCount => ($"本次共{n}条明细", $"{n} line{s} on one claim"),
            FraudFeature.DrugShare => ($"药品费用占{pct}", $"drugs are {pct} of the amount"),
            FraudFeature.LengthOfStayDays => value > 0 ? ($"住院{n}天", $"a stay of {n} day{s}") : ("非住院", "not a stay"),
            FraudFeature.StayRatio => ($"住院天数是该诊断常见天数的{x}倍", $"the stay is {x}x the usual length for this diagnosis"),
            FraudFeature.AmountPerDayYuan => ($"日均费用{n}元", $"{n} yuan per day of care"),
            FraudFeature.ItemsPerDay => ($"日均{x}条明细", $"{x} items per day of care"),
            FraudFeature.MaxQuantityRatio => ($"有明细数量是该项目常见数量的{x}倍", $"a line's quantity is {x}x the item's usual quantity"),
            FraudFeature.MaxDaysOfSupply => ($"单次开药{n}天", $"{n} day{s} of supply on one line"),
            FraudFeature.AtypicalAmountShare => ($"{pct}的费用是该诊断少见的项目", $"{pct} of the amount is on items seldom billed with this diagnosis"),
            FraudFeature.IsInpatient => value > 0 ? ("住院结算", "an inpatient stay") : ("门诊或药店结算", "an outpatient or pharmacy claim"),
            FraudFeature.IsPharmacy => value > 0 ? ("药店购药", "a pharmacy purchase") : ("医院结算", "a hospital claim"),
            FraudFeature.HospitalLevel => ($"{n}级医院", $"a level {n} hospital"),
            FraudFeature.Visits30Days => ($"患者近30天就诊{n}次", $"the patient had {n} visit{s} in the last 30 days"),
            FraudFeature.Visits90Days => ($"患者近90天就诊{n}次", $"the patient had {n} visit{s} in the last 90 days"),
            FraudFeature.Hospitals30Days => ($"患者近30天在{n}家医院就诊", $"the patient went to {n} hospital{s} in the last 30 days"),
            FraudFeature.Hospitals90Days => ($"患者近90天在{n}家医院就诊", $"the patient went to {n} hospital{s} in the last 90 days"),
            FraudFeature.SameProviderVisits30Days => ($"患者近30天在本院本科室就诊{n}次", $"{n} visit{s} to this same department in the last 30 days"),
            FraudFeature.DaysSinceLastDischarge => value >= FraudFeatures.NoEarlierStay
                ? ("近一年无住院记录", "no earlier stay on record")
                : ($"距上次出院{n}天", $"{n} day{s} since the last discharge"),
            FraudFeature.DaysSinceSameDiagnosisDischarge => value >= FraudFeatures.NoEarlierStay
                ? ("近一年无同诊断住院", "no earlier stay for this diagnosis")
                : ($"同一诊断出院后{n}天再次住院", $"readmitted {n} day{s} after a stay for the same diagnosis"),
            FraudFeature.ProviderDrugShareRatio => ($"本院该科室平均药占比是同级同科室医院的{x}倍（{peersZh}）", $"this hospital's average drug share is {x}x its peers' ({peers})"),
            FraudFeature.ProviderAmountRatio => ($"本院该科室次均费用是同级同科室医院的{x}倍（{peersZh}）", $"this hospital's average claim is {x}x its peers' ({peers})"),
            FraudFeature.ProviderAtypicalShareRatio => ($"本院与诊断不符项目的费用占比是同级同科室医院的{x}倍", $"this hospital bills items atypical for the diagnosis {x}x as much as its peers ({peers})"),
            FraudFeature.ProviderClaimsPerPatientRatio => ($"本院该科室人均就诊次数是同级同科室医院的{x}倍", $"this hospital sees each patient {x}x as often as its peers ({peers})"),
            FraudFeature.DoctorClaimsPerPatientRatio => ($"该医生人均就诊次数是同级同科室医生的{x}倍", $"this doctor sees each patient {x}x as often as peers"),
            FraudFeature.DoctorQuantityRatio => ($"该医生开具数量是同级同科室医生的{x}倍", $"this doctor's quantities are {x}x peers'"),
            FraudFeature.RuleFindings => ($"规则发现{n}个问题", $"{n} rule finding{s} on this claim"),
            FraudFeature.RuleFlaggedLineShare => ($"{pct}的明细有规则发现", $"{pct} of the lines have rule findings"),
            _ => (FraudFeatures.Name(feature), FraudFeatures.Name(feature)),
        };
    }
}
