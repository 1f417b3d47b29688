using KetamineCds.Rules.Evaluation;

namespace KetamineCds.Rules.Loading;

/// <summary>A loaded pack, or every error that stops it loading. Never both.</summary>
public sealed record RulePackLoadResult(CompiledPack? Pack, IReadOnlyList<RuleFileError> Errors)
{
    public bool IsValid => Pack is not null && Errors.Count == 0;
}
