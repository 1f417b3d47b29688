using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Rules;

/// <summary>
/// Holds the live rule pack. Loaded and validated at start-up: an invalid pack stops the service with every error
/// listed (fail fast, like ValidateOnStart). The pack is immutable; requests take a reference and keep it.
/// </summary>
public sealed class RulePackProvider
{
    public RulePackProvider(IOptions<RulesOptions> options, ILogger<RulePackProvider> logger)
    {
        var result = RulePackLoader.Load(options.Value.Path);
        if (!result.IsValid)
        {
            throw new InvalidOperationException(
                $"The rule pack in '{options.Value.Path}' is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, result.Errors)}");
        }

        Current = result.Pack!;
        logger.RulePackLoaded(Current.Name, Current.Version, Current.Rules.Count, Current.ContentHash);
    }

    public CompiledPack Current { get; }
}
