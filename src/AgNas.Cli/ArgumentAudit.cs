using System.Reflection;
using System.Text.RegularExpressions;
using CommandLine;

namespace AgNas.Cli;

/// <summary>
/// Catches what CommandLineParser lets through silently: words that no option or positional value
/// takes (e.g. <c>--nesterov false</c> where <c>--nesterov</c> is a switch, which would turn the
/// switch on and drop the word), and numbers written with a decimal comma, which the parser reads
/// as a thousands separator (<c>--lr 0,05</c> would become 5).
/// </summary>
internal static partial class ArgumentAudit
{
    [GeneratedRegex(@"^[-+]?\d*,\d+([eE][-+]?\d+)?$")]
    private static partial Regex DecimalComma();

    /// <summary>Null when the arguments after the verb are consistent with <paramref name="optionsType"/>; otherwise what is wrong.</summary>
    public static string? Check(Type optionsType, IReadOnlyList<string> args)
    {
        var options = optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Option: p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.Option is not null)
            .ToDictionary(x => x.Option!.LongName, x => x.Property.PropertyType == typeof(bool), StringComparer.Ordinal);
        int positional = optionsType.GetProperties().Count(p => p.GetCustomAttribute<ValueAttribute>() is not null);

        for (int i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (DecimalComma().IsMatch(arg))
                return $"'{arg}' uses a decimal comma; write numbers with a point (e.g. {arg.Replace(',', '.')}).";
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var parts = arg[2..].Split('=', 2);
                if (parts.Length == 2 && DecimalComma().IsMatch(parts[1]))
                    return $"{arg} uses a decimal comma; write numbers with a point (e.g. --{parts[0]}={parts[1].Replace(',', '.')}).";
                if (parts.Length == 2 || !options.TryGetValue(parts[0], out bool isSwitch) || isSwitch) continue;
                if (i + 1 < args.Count && DecimalComma().IsMatch(args[i + 1]))
                    return $"{arg} '{args[i + 1]}' uses a decimal comma; write numbers with a point (e.g. {args[i + 1].Replace(',', '.')}).";
                i++; // the option's value
                continue;
            }
            if (positional > 0)
            {
                positional--;
                continue;
            }
            var previous = i > 1 ? args[i - 1] : "";
            return previous.StartsWith("--", StringComparison.Ordinal) && options.GetValueOrDefault(previous[2..], false)
                ? $"unexpected argument '{arg}': {previous} is a switch and takes no value (leave it out for false)."
                : $"unexpected argument '{arg}'.";
        }
        return null;
    }
}
