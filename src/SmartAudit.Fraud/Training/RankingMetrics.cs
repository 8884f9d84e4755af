namespace SmartAudit.Fraud.Training;

/// <summary>Precision and recall when the reviewers take the top share of claims by score.</summary>
public sealed record TopShare(double Share, int Claims, double Precision, double Recall);

/// <summary>How well one ranking of held-out claims finds the labelled ones.</summary>
public sealed record RankingMetrics(
    int Claims,
    int Positives,
    double Auc,
    double PrAuc,
    TopShare Top1Percent,
    TopShare Top5Percent);

/// <summary>
/// Ranking metrics computed the same way for the model and for the rules-only baseline. Ties are shared
/// out fairly: when the cut at the top k claims falls inside a group of equal scores, each claim of the
/// group counts by the share of the group that fits, which is the expected value over every order of the
/// ties. (The rules-only score has many ties; breaking them by file order would flatter or hurt it by chance.)
/// </summary>
public static class Ranking
{
    public static RankingMetrics Evaluate(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        var positives = labels.Count(l => l);
        return new RankingMetrics(scores.Count, positives, Auc(scores, labels), AveragePrecision(scores, labels),
            Top(scores, labels, 0.01), Top(scores, labels, 0.05));
    }

    /// <summary>Area under the ROC curve (Mann-Whitney U with average ranks for ties).</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            var averageRank = ((start + end) / 2.0) + 1;
            for (var k = start; k <= end; k++)
            {
                if (labels[order[k]])
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        var negatives = scores.Count - positives;
        return positives == 0 || negatives == 0 ? double.NaN
            : (positiveRankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    /// <summary>Area under the precision-recall curve as average precision, one step per group of equal scores.</summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var total = labels.Count(l => l);
        if (total == 0)
        {
            return double.NaN;
        }

        var sum = 0.0;
        var taken = 0;
        var found = 0;
        foreach (var group in Groups(scores, labels))
        {
            taken += group.Size;
            found += group.Positives;
            sum += group.Positives / (double)total * (found / (double)taken);
        }

        return sum;
    }

    /// <summary>Precision and recall in the top <paramref name="share"/> of claims by score.</summary>
    public static TopShare Top(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double share)
    {
        var k = Math.Max(1, (int)Math.Ceiling(scores.Count * share));
        var expected = ExpectedInTop(scores, labels, k);
        var total = labels.Count(l => l);
        return new TopShare(share, k, expected / k, total == 0 ? double.NaN : expected / total);
    }

    /// <summary>Expected number of claims with <paramref name="marked"/> set among the top <paramref name="k"/> by score.</summary>
    public static double ExpectedInTop(IReadOnlyList<double> scores, IReadOnlyList<bool> marked, int k)
    {
        var expected = 0.0;
        var taken = 0;
        foreach (var group in Groups(scores, marked))
        {
            if (taken + group.Size <= k)
            {
                expected += group.Positives;
                taken += group.Size;
                continue;
            }

            expected += group.Positives * (k - taken) / (double)group.Size;
            break;
        }

        return expected;
    }

    /// <summary>The score of the claim at the top <paramref name="share"/> cut: a threshold that flags about that share.</summary>
    public static double ScoreAtTop(IReadOnlyList<double> scores, double share)
    {
        var sorted = scores.OrderDescending().ToArray();
        var k = Math.Max(1, (int)Math.Ceiling(sorted.Length * share));
        return sorted.Length == 0 ? 1 : sorted[k - 1];
    }

    /// <summary>Groups of equal scores, highest first, with how many of each group are marked.</summary>
    private static IEnumerable<(int Size, int Positives)> Groups(IReadOnlyList<double> scores, IReadOnlyList<bool> marked)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            var positives = marked[order[start]] ? 1 : 0;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
                positives += marked[order[end]] ? 1 : 0;
            }

            yield return (end - start + 1, positives);
            start = end + 1;
        }
    }
}
