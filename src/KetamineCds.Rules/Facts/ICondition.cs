using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Rules.Facts;

/// <summary>A compiled condition node. Implementations are pure: they read the context and return a result.</summary>
internal interface ICondition
{
    ConditionResult Evaluate(EvaluationContext context);
}
