using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KetamineCds.Rules.Evaluation;

/// <summary>
/// What a rule is, as a hash: its condition, card, hooks, status, category, references and every other field but its
/// version, review date and approval, plus the content of each value set it reads (and the dose table, for a rule
/// over antidepressant trials; the equivalence table, for a rule over diazepam-equivalent doses). Two packs whose rule has the same id and version must agree on this hash, or the
/// <c>rule@version</c> on a card and in the audit no longer identifies what fired (issue: versions that mean something).
/// </summary>
public static class RuleContent
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static string Hash(CompiledRule rule, CompiledPack pack)
    {
        var text = new StringBuilder(JsonSerializer.Serialize(rule.Spec with { Version = "", LastReviewed = "", ApprovedBy = null, ApprovedOn = null }, Json));
        var facts = ConditionWalk.Facts(rule.Spec, pack.RulesById).ToList();
        foreach (var set in facts.SelectMany(f => new[] { f.ValueSet, f.Scores }).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            text.Append('\n').Append(set).Append('=').Append(pack.ValueSets.TryGetValue(set, out var index) ? index.ContentHash : "missing");
        }

        if (facts.Any(f => f.Fact == "antidepressantTrials"))
        {
            text.Append("\ndoses=").Append(pack.Doses.ContentHash);
        }

        if (facts.Any(f => f.Property == "diazepamEquivalentMg"))
        {
            text.Append("\nbenzodiazepineEquivalents=").Append(pack.BenzodiazepineEquivalents.ContentHash);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
