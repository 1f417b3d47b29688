using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Admin;

/// <summary>
/// Start-up check of <c>Admin:ApiKey</c> outside Development: a key that reloads rules and reads statistics must not be
/// guessable. NIST SP 800-63B §5.1.1 asks memorised secrets for length and a blocklist; a service key has no human to
/// remember it, so it is held to a machine secret's bar: 32 characters and about 128 bits by the characters it uses.
/// </summary>
public sealed class AdminKeyStrength(IHostEnvironment environment) : IValidateOptions<AdminOptions>
{
    public const int MinimumLength = 32;
    public const double MinimumBits = 128;

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        if (environment.IsDevelopment() || string.IsNullOrEmpty(options.ApiKey))
        {
            return ValidateOptionsResult.Success;
        }

        var key = options.ApiKey;
        var bits = EstimatedBits(key);
        return key.Length >= MinimumLength && bits >= MinimumBits
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Admin:ApiKey is too weak ({key.Length} characters, about {bits:0} bits; at least {MinimumLength} characters and {MinimumBits:0} bits are needed). "
                + "Make one with `openssl rand -base64 32` and set it as Admin__ApiKey from a secret.");
    }

    /// <summary>
    /// An upper estimate of a key's entropy: its length times log2 of the alphabet its character classes span, capped by
    /// how many distinct characters it uses (so "aaaa…" or one word repeated scores low whatever its length).
    /// </summary>
    public static double EstimatedBits(string key)
    {
        var alphabet = (key.Any(char.IsAsciiLetterLower) ? 26 : 0) + (key.Any(char.IsAsciiLetterUpper) ? 26 : 0)
            + (key.Any(char.IsAsciiDigit) ? 10 : 0) + (key.Any(c => !char.IsAsciiLetterOrDigit(c)) ? 33 : 0);
        var distinct = key.Distinct().Count();
        return alphabet == 0 ? 0 : key.Length * Math.Log2(Math.Min(alphabet, distinct * 2));
    }
}
