namespace KetamineCds.Api.Auth;

/// <summary>
/// <c>Auth:Profiles:{name}</c>: a site's changes to a shipped profile, or a new one. Only the fields given change;
/// the rest keep the shipped profile's values (or the spec's, for a new name).
/// </summary>
public sealed class EhrProfileSettings
{
    /// <summary>The shipped profile a new name starts from (default <c>spec</c>).</summary>
    public string? BasedOn { get; set; }

    public string? Source { get; set; }
    public List<string>? Hooks { get; set; }
    public List<string>? NeverServes { get; set; }
    public bool? HonoursInclude { get; set; }
    public bool? ConditionsByCategory { get; set; }
    public List<string>? SelectionBehaviors { get; set; }
    public DeleteActionForm? DeleteAction { get; set; }
    public string? TriggerExtension { get; set; }
    public List<string>? PatientViewTriggers { get; set; }

    public EhrProfile Over(EhrProfile shipped, string name) => shipped with
    {
        Name = name,
        Source = Source ?? shipped.Source,
        Hooks = Hooks ?? shipped.Hooks,
        NeverServes = NeverServes ?? shipped.NeverServes,
        HonoursInclude = HonoursInclude ?? shipped.HonoursInclude,
        ConditionsByCategory = ConditionsByCategory ?? shipped.ConditionsByCategory,
        SelectionBehaviors = SelectionBehaviors ?? shipped.SelectionBehaviors,
        DeleteAction = DeleteAction ?? shipped.DeleteAction,
        TriggerExtension = TriggerExtension ?? shipped.TriggerExtension,
        PatientViewTriggers = PatientViewTriggers ?? shipped.PatientViewTriggers,
    };
}
