using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Loading;

public static partial class RulePackLoader
{
    /// <summary>
    /// pack.yaml <c>cardPolicy</c> over the defaults, checked: modes the schema allows, data gaps that are rules of the
    /// pack, and a contraindication never silenced at the final check. <c>seriesInProgress</c> is a condition in the
    /// rules' own language, compiled with their facts.
    /// </summary>
    private static CardPolicy PolicyOf(PackManifest manifest, IReadOnlyDictionary<string, int> lines, IReadOnlyDictionary<string, ValueSetIndex> valueSets,
        AnswerScores answers, PackTables tables, IReadOnlyCollection<string> ruleIds, MedicationActivity activity, RecordReads reads,
        List<RuleFileError> errors, bool allRulesRead)
    {
        if (manifest.CardPolicy is not { } spec)
        {
            return CardPolicy.Default;
        }

        void Report(string pointer, string message) => errors.Add(new RuleFileError(ManifestFile, YamlJsonConverter.LineOf(lines, pointer), null, $"cardPolicy: {message}"));

        var modes = CardPolicy.DefaultModes.ToDictionary(h => h.Key, h => h.Value.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (hook, classes) in spec.Hooks ?? new Dictionary<string, IReadOnlyDictionary<string, string>>())
        {
            foreach (var (cardClass, mode) in classes)
            {
                modes.TryAdd(hook, new Dictionary<string, string>(StringComparer.Ordinal));
                modes[hook][cardClass] = mode;
            }
        }

        if (modes.GetValueOrDefault(Hooks.OrderSign)?.GetValueOrDefault(CardClasses.Contraindication) == PolicyModes.Never)
        {
            Report("/cardPolicy/hooks/order-sign/contraindication", "contraindications cannot be 'never' at order-sign, the final check before the order is signed");
        }

        var dataGaps = spec.OrderSignDataGaps ?? [];
        for (var i = 0; i < dataGaps.Count; i++)
        {
            // A rule in a file that could not be read is reported there, not here as unknown.
            if (allRulesRead && !ruleIds.Contains(dataGaps[i]))
            {
                Report($"/cardPolicy/orderSignDataGaps/{i}", $"'{dataGaps[i]}' is not a rule of the pack");
            }
        }

        ICondition? series = null;
        if (spec.SeriesInProgress is { } condition)
        {
            var compiler = new ConditionCompiler(valueSets, answers, tables, new HashSet<string>(ruleIds, StringComparer.Ordinal),
                (pointer, message) => Report(pointer, message), reads, activity); // what it reads, the record filter keeps
            series = compiler.Compile(condition, "/cardPolicy/seriesInProgress");
            if (compiler.References.Count > 0)
            {
                Report("/cardPolicy/seriesInProgress", "seriesInProgress reads the record directly; it cannot refer to rules");
            }
        }

        var review = spec.Review;
        return new CardPolicy(modes,
            LookBack.Parse(spec.RepeatWindow) ?? CardPolicy.Default.RepeatWindow,
            LookBack.Parse(spec.CandidacyInterval) ?? CardPolicy.Default.CandidacyInterval,
            LookBack.Parse(spec.CourseMemory) ?? CardPolicy.Default.CourseMemory,
            new HashSet<string>(dataGaps, StringComparer.Ordinal),
            series,
            new ReviewThresholds(review?.OverrideShare ?? CardPolicy.Default.Review.OverrideShare,
                LookBack.Parse(review?.Window) ?? CardPolicy.Default.Review.Window,
                review?.MinimumShown ?? CardPolicy.Default.Review.MinimumShown),
            LookBack.Parse(spec.CourseReminder) ?? CardPolicy.Default.CourseReminder,
            LookBack.Parse(spec.ThresholdReminder) ?? CardPolicy.Default.ThresholdReminder);
    }
}
