using System.Reflection;
using CommandLine;

namespace AgNas.Cli.Tests;

/// <summary>STYLE 15 for every registered verb: help text everywhere, defaults in one place that --help shows.</summary>
public class VerbConventionTests
{
    public static TheoryData<string> VerbNames() => new(Program.Verbs.Select(v => v.Name));

    private static VerbRegistration Verb(string name) => Program.Verbs.Single(v => v.Name == name);

    [Fact]
    public void VerbNamesAreUnique() =>
        Assert.Equal(Program.Verbs.Count, Program.Verbs.Select(v => v.Name).Distinct().Count());

    [Theory]
    [MemberData(nameof(VerbNames))]
    public void VerbHasHelpText(string name) =>
        Assert.False(string.IsNullOrWhiteSpace(Verb(name).OptionsType.GetCustomAttribute<VerbAttribute>()!.HelpText));

    [Theory]
    [MemberData(nameof(VerbNames))]
    public void EveryOptionHasHelpTextAndADefaultThatTheClassAgreesWith(string name)
    {
        var type = Verb(name).OptionsType;
        var fresh = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties())
        {
            var option = property.GetCustomAttribute<OptionAttribute>();
            if (option is null) continue;
            Assert.False(string.IsNullOrWhiteSpace(option.HelpText), $"{type.Name}.{property.Name} has no HelpText");
            if (option.Required) continue;
            if (property.GetCustomAttribute<AgNas.Cli.Verbs.RecipeDefaultAttribute>() is not null)
            {
                // Its default depends on another option: no parser default (null = not given; a switch, which cannot be null,
                // is off until given), and the help text says so.
                Assert.Null(option.Default);
                Assert.Equal(property.PropertyType == typeof(bool) ? false : null, property.GetValue(fresh));
                Assert.Contains("Default: the recipe of --space", option.HelpText);
                continue;
            }
            Assert.True(option.Default is not null, $"{type.Name}.{property.Name} has neither Default nor Required = true; --help would not show its default");
            Assert.Equal(option.Default, property.GetValue(fresh));
        }
    }
}
