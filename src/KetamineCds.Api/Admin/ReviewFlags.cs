using KetamineCds.Api.Store;
using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Api.Admin;

/// <summary>
/// Which rules the governance group should look at, by the pack's review thresholds (pack.yaml
/// <c>cardPolicy.review</c>) over their window: a rule overridden in more than the set share of the cards it showed (its
/// advice is not being followed), or an info card shown often and never acted on (it is not changing a decision).
/// </summary>
public static class ReviewFlags
{
    public static IReadOnlyDictionary<string, string> Of(IReadOnlyList<RuleStatistics> statistics, CompiledPack pack)
    {
        var review = pack.CardPolicy.Review;
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rule in statistics.Where(s => s.Issued >= review.MinimumShown))
        {
            var share = (double)rule.Overridden / rule.Issued;
            if (share > review.OverrideShare)
            {
                flags[rule.RuleId] = $"overridden in {share:P0} of {rule.Issued} cards shown over {review.Window.Describe()} (review above {review.OverrideShare:P0})";
            }
            else if (pack.RulesById.TryGetValue(rule.RuleId, out var compiled) && compiled.Indicator == Indicator.Info && rule.Accepted + rule.Overridden == 0)
            {
                flags[rule.RuleId] = $"info card shown {rule.Issued} times over {review.Window.Describe()} and never acted on";
            }
        }

        return flags;
    }
}
