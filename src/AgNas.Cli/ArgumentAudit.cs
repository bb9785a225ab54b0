using System.Reflection;
using System.Text.RegularExpressions;
using AgNas.Cli.Verbs;
using CommandLine;

namespace AgNas.Cli;

/// <summary>
/// Catches what CommandLineParser lets through silently: words that no option or positional value
/// takes (e.g. <c>--allow-none false</c> where <c>--allow-none</c> is a plain switch, which would turn the
/// switch on and drop the word), a value glued to a plain switch (<c>--json=false</c>, also on),
/// and numbers written with a decimal comma, which the parser reads as a thousands separator
/// (<c>--lr 0,05</c> would become 5). Switches marked <see cref="SwitchValueAttribute"/> take an
/// explicit true or false. On the way it records which options the command line named, and how
/// (<see cref="GivenOptions"/>), for the verb's runner.
/// </summary>
internal static partial class ArgumentAudit
{
    [GeneratedRegex(@"^[-+]?\d*,\d+([eE][-+]?\d+)?$")]
    private static partial Regex DecimalComma();

    private static bool IsTrueOrFalse(string text) => bool.TryParse(text, out _);

    /// <summary>Null when the arguments after the verb are consistent with <paramref name="optionsType"/>; otherwise what is wrong.</summary>
    public static string? Check(Type optionsType, IReadOnlyList<string> args) => Audit(optionsType, args, out _);

    /// <summary>As <see cref="Check"/>, also returning the options the arguments name (null when there is a problem).</summary>
    internal static string? Audit(Type optionsType, IReadOnlyList<string> args, out GivenOptions? given)
    {
        given = null;
        var properties = GivenOptions.OptionProperties(optionsType);
        bool IsSwitch(string name) => properties.TryGetValue(name, out var p) && p.PropertyType == typeof(bool);
        bool TakesValue(string name) => IsSwitch(name) && properties[name].GetCustomAttribute<SwitchValueAttribute>() is not null;
        int positional = optionsType.GetProperties().Count(p => p.GetCustomAttribute<ValueAttribute>() is not null);
        var entries = new List<GivenOptions.Entry>();

        for (int i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (DecimalComma().IsMatch(arg))
                return $"'{arg}' uses a decimal comma; write numbers with a point (e.g. {arg.Replace(',', '.')}).";
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var parts = arg[2..].Split('=', 2);
                string name = parts[0];
                if (parts.Length == 2 && DecimalComma().IsMatch(parts[1]))
                    return $"{arg} uses a decimal comma; write numbers with a point (e.g. --{name}={parts[1].Replace(',', '.')}).";
                if (!properties.TryGetValue(name, out var property)) continue; // --help, --version: the parser's own
                if (IsSwitch(name))
                {
                    if (parts.Length == 2)
                    {
                        if (!TakesValue(name) || !IsTrueOrFalse(parts[1])) return SwitchValueProblem(arg, name, TakesValue(name));
                        entries.Add(new(name, property, arg, parts[1]));
                    }
                    else if (TakesValue(name) && i + 1 < args.Count && IsTrueOrFalse(args[i + 1]))
                    {
                        entries.Add(new(name, property, $"{arg} {args[i + 1]}", args[i + 1]));
                        i++;
                    }
                    else
                    {
                        entries.Add(new(name, property, arg, null));
                    }
                    continue;
                }
                if (parts.Length == 2)
                {
                    entries.Add(new(name, property, arg, parts[1]));
                    continue;
                }
                if (i + 1 < args.Count && DecimalComma().IsMatch(args[i + 1]))
                    return $"{arg} '{args[i + 1]}' uses a decimal comma; write numbers with a point (e.g. {args[i + 1].Replace(',', '.')}).";
                if (i + 1 < args.Count) entries.Add(new(name, property, $"{arg} {args[i + 1]}", args[i + 1]));
                i++; // the option's value
                continue;
            }
            if (positional > 0)
            {
                positional--;
                continue;
            }
            var previous = i > 1 ? args[i - 1] : "";
            return previous.StartsWith("--", StringComparison.Ordinal) && IsSwitch(previous[2..])
                ? $"unexpected argument '{arg}': {SwitchValueProblem(previous, previous[2..], TakesValue(previous[2..]))}"
                : $"unexpected argument '{arg}'.";
        }
        given = new GivenOptions(optionsType, entries);
        return null;
    }

    private static string SwitchValueProblem(string arg, string name, bool takesValue) => takesValue
        ? $"{(arg == "--" + name ? "" : arg + ": ")}--{name} is a switch: give it alone (on), or followed by true or false."
        : $"{(arg == "--" + name ? "" : arg + ": ")}--{name} is a switch and takes no value (leave it out for false).";
}
