using System.Security.Cryptography;
using System.Text;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Evaluation;

/// <summary>Who is asking and what they saw: what the card policy needs beyond the findings.</summary>
/// <param name="FirstOfSeries">No ketamine series is in progress (the pack's <c>seriesInProgress</c> does not hold).</param>
/// <param name="UserIsPractitioner">The hook's user is a Practitioner or PractitionerRole (not a patient, a related person or a device).</param>
/// <param name="OrderSelectRan">At order-sign: an order-select call was seen for this draft. Many sites configure only
/// order-sign; when order-select did not run, order-sign shows what order-select would have.</param>
public sealed record PolicyContext(string Hook, DateTimeOffset Now, bool FirstOfSeries, bool UserIsPractitioner, ICardMemory Memory, bool OrderSelectRan = true);

/// <summary>A finding the policy kept from the clinician at this hook, the mode that kept it, and why, for the statistics.</summary>
public sealed record SuppressedFinding(Finding Finding, string Mode, string Reason);

public sealed record PolicyOutcome(IReadOnlyList<Finding> Shown, IReadOnlyList<SuppressedFinding> Suppressed);

/// <summary>When the statistics flag a rule for review: overridden in more than a share of its cards, or an info card never acted on.</summary>
public sealed record ReviewThresholds(double OverrideShare, LookBack Window, int MinimumShown);

/// <summary>
/// The pack's card policy (pack.yaml <c>cardPolicy</c>): a card is shown when it can change a decision, at the hook
/// where it can, and not again at the next hook for the same draft and evidence. Alert fatigue is the reason: clinicians
/// override most drug alerts (van der Sijs, JAMIA 2006), acceptance falls with each repeated reminder (Ancker, BMC Med
/// Inform Decis Mak 2017), and order-sign should not repeat what order-select showed (HL7 PDDI-CDS). Pure: what was
/// shown before comes from <see cref="ICardMemory"/>. Two rules hold whatever the configuration: a critical card is
/// never hidden at order-select, and one is hidden at order-sign only when the same finding was overridden with a
/// reason for that draft.
/// </summary>
public sealed class CardPolicy
{
    private readonly Dictionary<string, Dictionary<string, string>> _modes;

    /// <summary>The memory key of the marker an order-select call leaves for its draft (no finding has it).</summary>
    public const string OrderSelectMarker = "hook:order-select";

    // The classes order-select shows and order-sign leaves to it; when order-select did not run, order-sign takes its modes.
    private static readonly HashSet<string> LeftToOrderSelect =
        [CardClasses.Eligibility, CardClasses.Caution, CardClasses.DataGap, CardClasses.MonitoringReminder];

    // Classes remembered per patient and rule, not per evidence: their news is the rule firing, not today's figures.
    private static readonly HashSet<string> RememberedByRule = [CardClasses.Course, CardClasses.Threshold];

    internal CardPolicy(Dictionary<string, Dictionary<string, string>> modes, LookBack repeatWindow, LookBack candidacyInterval, LookBack courseMemory,
        IReadOnlySet<string> orderSignDataGaps, ICondition? seriesInProgress, ReviewThresholds review, LookBack? courseReminder = null, LookBack? thresholdReminder = null)
    {
        _modes = modes;
        RepeatWindow = repeatWindow;
        CandidacyInterval = candidacyInterval;
        CourseMemory = courseMemory;
        CourseReminder = courseReminder ?? LookBack.Parse("90d")!;
        ThresholdReminder = thresholdReminder ?? LookBack.Parse("90d")!;
        OrderSignDataGaps = orderSignDataGaps;
        SeriesInProgress = seriesInProgress;
        Review = review;
    }

    /// <summary>The defaults a pack without <c>cardPolicy</c> gets; the shipped pack.yaml writes them out for sign-off.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> DefaultModes { get; } = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        [Hooks.OrderSelect] = new Dictionary<string, string>
        {
            [CardClasses.Eligibility] = PolicyModes.NotMet,
            [CardClasses.Contraindication] = PolicyModes.Always,
            [CardClasses.Caution] = PolicyModes.Always,
            [CardClasses.OrderDetail] = PolicyModes.WhenDecided,
            [CardClasses.DataGap] = PolicyModes.Always,
            [CardClasses.Course] = PolicyModes.Milestone,
            [CardClasses.MonitoringReminder] = PolicyModes.FirstOfSeries,
            [CardClasses.Candidacy] = PolicyModes.Never,
            [CardClasses.Threshold] = PolicyModes.CrossedOnce,
        },
        [Hooks.OrderSign] = new Dictionary<string, string>
        {
            [CardClasses.Eligibility] = PolicyModes.Never,
            [CardClasses.Contraindication] = PolicyModes.UnlessOverridden,
            [CardClasses.Caution] = PolicyModes.NotRepeated,
            [CardClasses.OrderDetail] = PolicyModes.Always,
            [CardClasses.DataGap] = PolicyModes.Listed,
            [CardClasses.Course] = PolicyModes.Milestone,
            // At order-select, on the first order of a series; here only when order-select did not run (its mode then applies).
            [CardClasses.MonitoringReminder] = PolicyModes.Never,
            [CardClasses.Candidacy] = PolicyModes.Never,
            [CardClasses.Threshold] = PolicyModes.CrossedOnce,
        },
        [Hooks.PatientView] = new Dictionary<string, string>
        {
            [CardClasses.Candidacy] = PolicyModes.Interval,
        },
    };

    public static CardPolicy Default { get; } = new(
        DefaultModes.ToDictionary(h => h.Key, h => h.Value.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal), StringComparer.Ordinal),
        LookBack.Parse("1h")!, LookBack.Parse("30d")!, LookBack.Parse("365d")!, new HashSet<string>(), null, new ReviewThresholds(0.9, LookBack.Parse("90d")!, 20));

    public LookBack RepeatWindow { get; }
    public LookBack CandidacyInterval { get; }
    public LookBack CourseMemory { get; }
    public LookBack CourseReminder { get; }
    public LookBack ThresholdReminder { get; }
    public IReadOnlySet<string> OrderSignDataGaps { get; }
    public ReviewThresholds Review { get; }

    /// <summary>Holds when a ketamine series is in progress (null: never, so every order is a first).</summary>
    internal ICondition? SeriesInProgress { get; }

    /// <summary>The longest any memory is asked about: what the host must load for a call.</summary>
    public LookBack LongestMemory => new[] { RepeatWindow, CandidacyInterval, CourseMemory, CourseReminder, ThresholdReminder }.MinBy(w => w.Since(DateTimeOffset.UnixEpoch.AddYears(50)))!;

    /// <summary>The mode a class of card has at a hook (always, when the policy does not name it).</summary>
    public string ModeFor(string hook, string cardClass) =>
        _modes.TryGetValue(hook, out var classes) && classes.TryGetValue(cardClass, out var mode) ? mode : PolicyModes.Always;

    /// <summary>
    /// A rule's card class: the one it names (<c>policy:</c>); else patient-view-only rules are candidacy, rules over the
    /// draft order's details are order details, and the category decides the rest. A critical card of any other class
    /// is treated as a contraindication, the class that always reaches the final check.
    /// </summary>
    public static string ClassOf(CompiledRule rule, IReadOnlyDictionary<string, CompiledRule> rules)
    {
        if (rule.Spec.Policy is { } named)
        {
            return named;
        }

        if (rule.Spec.Hooks.All(h => h == Hooks.PatientView))
        {
            return CardClasses.Candidacy;
        }

        if (ConditionWalk.Facts(rule.Spec, rules).Any(f => f.Fact == "draftOrder"))
        {
            return CardClasses.OrderDetail;
        }

        var byCategory = rule.Spec.Category switch
        {
            RuleCategories.Contraindication => CardClasses.Contraindication,
            RuleCategories.Eligibility => CardClasses.Eligibility,
            RuleCategories.DataGap => CardClasses.DataGap,
            _ => CardClasses.Caution,
        };
        return byCategory == CardClasses.Caution && rule.Indicator == Indicator.Critical ? CardClasses.Contraindication : byCategory;
    }

    /// <summary>
    /// The finding as the memory knows it: its rule and version and a digest of its evidence (what was shown, when it
    /// was recorded), so the same rule over new data is a new finding.
    /// </summary>
    public static string FindingKey(Finding finding)
    {
        var evidence = string.Join("\n", finding.Evidence.Select(e => $"{e.Reference}|{e.Value}|{e.Date:O}").Order(StringComparer.Ordinal));
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(evidence)))[..16];
        return $"{finding.RuleId}@{finding.RuleVersion}#{digest}{(finding.IsIncompleteCheck ? "?" : "")}";
    }

    /// <summary>
    /// The key the memory knows a finding by: for course and threshold cards the rule alone (per patient), since their
    /// news is the rule firing and a new score or session count keeps it; for the others <see cref="FindingKey"/>.
    /// </summary>
    public static string MemoryKey(Finding finding, CompiledPack pack) =>
        RememberedByRule.Contains(pack.CardClassOf(finding.RuleId)) ? $"{finding.RuleId}#rule{(finding.IsIncompleteCheck ? "?" : "")}" : FindingKey(finding);

    /// <summary>The mode a class has at this call: at an order-sign that no order-select preceded, order-select's for the classes left to it.</summary>
    public string ModeAt(PolicyContext context, string cardClass) =>
        ModeFor(context.Hook == Hooks.OrderSign && !context.OrderSelectRan && LeftToOrderSelect.Contains(cardClass) ? Hooks.OrderSelect : context.Hook, cardClass);

    /// <summary>Which findings are shown at this hook, and which are kept back and why.</summary>
    public PolicyOutcome Apply(IReadOnlyList<Finding> findings, CompiledPack pack, PolicyContext context)
    {
        var shown = new List<Finding>();
        var suppressed = new List<SuppressedFinding>();
        var eligibility = new List<Finding>();
        foreach (var finding in findings)
        {
            var cardClass = pack.CardClassOf(finding.RuleId);
            var mode = ModeAt(context, cardClass);
            if (mode == PolicyModes.NotMet)
            {
                eligibility.Add(finding);
                continue;
            }

            var reason = SafetyFloor(finding, context.Hook, mode) ? null : Reason(finding, MemoryKey(finding, pack), mode, context);
            if (reason is null)
            {
                shown.Add(finding);
            }
            else
            {
                suppressed.Add(new SuppressedFinding(finding, mode, reason));
            }
        }

        ApplyNotMet(eligibility, pack, context, shown, suppressed);
        // The pack's order, as the evaluator gave it: the host sorts by urgency.
        var order = new Dictionary<Finding, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < findings.Count; i++)
        {
            order[findings[i]] = i;
        }

        return new PolicyOutcome([.. shown.OrderBy(f => order[f])], suppressed);
    }

    // Critical cards are never hidden at order-select, and at order-sign only after an override with a reason for the draft.
    private static bool SafetyFloor(Finding finding, string hook, string mode) =>
        finding.Indicator == Indicator.Critical && (hook == Hooks.OrderSelect || (hook == Hooks.OrderSign && mode != PolicyModes.UnlessOverridden));

    private string? Reason(Finding finding, string key, string mode, PolicyContext context)
    {
        return mode switch
        {
            PolicyModes.Always => null,
            PolicyModes.Never => $"not shown at {context.Hook}",
            PolicyModes.WhenDecided when finding.IsIncompleteCheck => "the order detail it checks is not entered yet",
            PolicyModes.UnlessOverridden when context.Memory.OverriddenForDraft(key) => "overridden with a reason for this draft order",
            PolicyModes.NotRepeated when context.Memory.ShownSince(CardScope.UserAndDraft, key, RepeatWindow.Since(context.Now)) =>
                $"shown to this user for this order within {RepeatWindow.Describe()}",
            PolicyModes.Listed when !OrderSignDataGaps.Contains(finding.RuleId) => $"not a safety-relevant gap at {context.Hook}",
            PolicyModes.Milestone when context.Memory.ShownSince(CardScope.Patient, key, (finding.Indicator >= Indicator.Warning ? CourseReminder : CourseMemory).Since(context.Now)) =>
                finding.Indicator >= Indicator.Warning ? $"milestone shown for this patient within {CourseReminder.Describe()}" : "milestone already shown",
            PolicyModes.CrossedOnce when context.Memory.ShownSince(CardScope.Patient, key, ThresholdReminder.Since(context.Now)) =>
                $"threshold shown for this patient within {ThresholdReminder.Describe()}",
            PolicyModes.FirstOfSeries when !context.FirstOfSeries => "a series is in progress: shown on its first order",
            PolicyModes.Interval when !context.UserIsPractitioner => "the user is not a practitioner",
            PolicyModes.Interval when context.Memory.ShownSince(CardScope.Patient, key, CandidacyInterval.Since(context.Now)) =>
                $"shown for this patient within {CandidacyInterval.Describe()}",
            _ => null,
        };
    }

    // Eligibility at order-select: the criteria not met (or not checkable), never the all-met summary, so an eligible
    // patient's order cycle shows at most one card (the first-infusion reminder). Every unmet criterion of warning or
    // above is shown, since each is its own reason to stop; an info-level one only when nothing more urgent is. A
    // governance group that wants the all-met summary sets eligibility to always.
    private static void ApplyNotMet(List<Finding> eligibility, CompiledPack pack, PolicyContext context, List<Finding> shown, List<SuppressedFinding> suppressed)
    {
        if (eligibility.Count == 0)
        {
            return;
        }

        var unmet = eligibility.Where(f => f.IsIncompleteCheck || f.Indicator > Indicator.Info || pack.RulesById[f.RuleId].Checklist.Count == 0).ToList();
        var urgent = unmet.Where(f => f.IsIncompleteCheck || f.Indicator > Indicator.Info).ToList();
        var keep = urgent.Count > 0 ? urgent : unmet.Take(1).ToList();
        foreach (var finding in eligibility)
        {
            if (keep.Contains(finding))
            {
                shown.Add(finding);
            }
            else
            {
                suppressed.Add(new SuppressedFinding(finding, PolicyModes.NotMet, unmet.Count > 0 ? "a more urgent eligibility criterion is shown"
                    : "every criterion met: nothing to decide"));
            }
        }
    }
}
