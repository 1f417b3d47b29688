namespace KetamineCds.Rules.Conditions;

/// <summary>A compiled condition node. Implementations are pure: they read the context and return a result.</summary>
internal interface ICondition
{
    ConditionResult Evaluate(IFactContext context);
}
