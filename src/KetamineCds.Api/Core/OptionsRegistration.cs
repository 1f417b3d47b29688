using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Core;

/// <summary>One way every settings section is registered: bound, validated at start-up (fail fast), available now.</summary>
public static class OptionsRegistration
{
    /// <summary>
    /// Binds <paramref name="section"/> to <typeparamref name="TOptions"/> with data-annotation validation at start-up,
    /// and returns the bound values for decisions taken while composing the service (Kestrel limits, exporters).
    /// </summary>
    public static TOptions AddValidatedOptions<TOptions>(this WebApplicationBuilder builder, string section)
        where TOptions : class, new()
    {
        builder.Services.AddOptions<TOptions>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        return builder.Configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
    }

    /// <summary>As above, plus rules that span several settings or depend on the environment (<typeparamref name="TValidator"/>).</summary>
    public static TOptions AddValidatedOptions<TOptions, TValidator>(this WebApplicationBuilder builder, string section)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return builder.AddValidatedOptions<TOptions>(section);
    }
}
