namespace KetamineCds.Rules.Conditions;

/// <summary>
/// Three-valued logic: a fact that lacks the data to decide is <see cref="Unknown"/>, which is never read as
/// "no concern" (Kleene logic: all() is False if any part is False, Unknown if any part is Unknown).
/// </summary>
public enum Truth
{
    False,
    True,
    Unknown,
}
