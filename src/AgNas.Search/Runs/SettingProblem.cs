namespace AgNas.Search.Runs;

/// <summary>
/// One problem with a run's settings: the member of the settings record it is about and the rest of
/// the sentence after the setting's name (its value and what was expected, e.g. "1 must be at least 2").
/// The name is left out of <see cref="Rest"/> so that each caller names the setting its own way: the
/// library in words (<see cref="ToString"/>: "batch size 1 must be at least 2"), the command line by
/// the option that sets it ("--batch-size 1 must be at least 2").
/// </summary>
/// <param name="Member">The settings record's property (e.g. "BatchSize").</param>
/// <param name="Rest">The sentence after the name; other settings it mentions are named in words.</param>
public sealed record SettingProblem(string Member, string Rest)
{
    /// <summary>The sentence with the setting named by <paramref name="name"/>.</summary>
    public string Describe(string name) => $"{name} {Rest}";

    /// <summary>The sentence with the setting named in words (<see cref="RunSettings.Words"/>).</summary>
    public override string ToString() => Describe(RunSettings.Words(Member));
}
