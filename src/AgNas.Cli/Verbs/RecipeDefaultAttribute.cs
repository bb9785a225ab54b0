namespace AgNas.Cli.Verbs;

/// <summary>
/// Marks an option whose default depends on another option (<c>agnas train --space</c>: each space has its own
/// training recipe). Such an option has no parser default (null = "not given"; a switch, which cannot be null, is
/// "not given" when the command line does not name it: <see cref="GivenOptions"/>); its help text lists the value
/// for every space, and the runner fills in the recipe's value. A test checks the help text against the recipes.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RecipeDefaultAttribute : Attribute
{
}
