using System.Reflection;
using AgNas.Cli.Verbs;
using AgNas.Search.Runs;
using CommandLine;

namespace AgNas.Cli;

/// <summary>
/// The options a command line named explicitly, in the order typed, each with its text as typed
/// (<c>--lr 0.025</c>, <c>--no-plots</c>, <c>--nesterov=false</c>). CommandLineParser fills every option
/// not given with its default, so an option given with its default value cannot be told from one
/// left out in the parsed object; <c>--resume</c> needs the difference (an explicit option must agree
/// with the run, an omitted one is taken from it), and so do the switches that take an explicit value
/// (<see cref="SwitchValueAttribute"/>). <see cref="ArgumentAudit"/>, which reads the raw arguments
/// anyway, builds this; Program.Run hands it to the verb's runner in <see cref="CliContext.Given"/> (<see cref="Of"/>).
/// </summary>
internal sealed class GivenOptions
{
    /// <summary>One option named on the command line.</summary>
    /// <param name="LongName">Its long name, without the dashes.</param>
    /// <param name="Property">The options-class property it sets.</param>
    /// <param name="Typed">The argument(s) as typed, for messages.</param>
    /// <param name="Value">The value's text: an option's value, a switch's explicit true/false, or null for a bare switch.</param>
    public sealed record Entry(string LongName, PropertyInfo Property, string Typed, string? Value);

    public GivenOptions(Type optionsType, IReadOnlyList<Entry> entries)
    {
        OptionsType = optionsType;
        Entries = entries;
    }

    /// <summary>The verb's options class.</summary>
    public Type OptionsType { get; }

    /// <summary>The options named, in command-line order.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Whether <c>--<paramref name="longName"/></c> was named.</summary>
    public bool Contains(string longName) => Find(longName) is not null;

    /// <summary>The entry of <c>--<paramref name="longName"/></c>, or null.</summary>
    public Entry? Find(string longName) => Entries.FirstOrDefault(e => e.LongName == longName);

    /// <summary>The options class's [Option] properties by long name.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> OptionProperties(Type optionsType) =>
        optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Option: p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.Option is not null)
            .ToDictionary(x => x.Option!.LongName, x => x.Property, StringComparer.Ordinal);

    /// <summary>
    /// The options that <paramref name="options"/> sets to something else than a fresh instance of its
    /// class: all that code which builds the options object (instead of parsing a command line) can say.
    /// </summary>
    public static GivenOptions FromValues(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var type = options.GetType();
        var fresh = Activator.CreateInstance(type)!;
        var entries = new List<Entry>();
        foreach (var (name, property) in OptionProperties(type))
        {
            var value = property.GetValue(options);
            if (Equals(value, property.GetValue(fresh))) continue;
            string? text = value is bool on ? (on ? null : "false") : RunSettings.FormatValue(value);
            entries.Add(new Entry(name, property, text is null ? "--" + name : $"--{name} {text}", text));
        }
        return new GivenOptions(type, entries);
    }

    /// <summary>These options named (bare, as typed without a value), e.g. for code that maps options to settings.</summary>
    public static GivenOptions Naming(Type optionsType, params string[] longNames)
    {
        var properties = OptionProperties(optionsType);
        return new GivenOptions(optionsType, longNames.Select(n => new Entry(n, properties[n], "--" + n, null)).ToList());
    }

    /// <summary>Hands what the audit found to the runner of the verb about to run.</summary>
    /// <summary>
    /// The options the command line of <paramref name="options"/> named (what <see cref="ArgumentAudit"/>
    /// saw, which Program.Run puts in <see cref="CliContext.Given"/>), or <see cref="FromValues"/> when the
    /// verb was not run from a command line.
    /// </summary>
    public static GivenOptions Of(object options, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        return context.Given is { } given && given.OptionsType == options.GetType() ? given : FromValues(options);
    }

    /// <summary>Sets every switch given an explicit true or false (<see cref="SwitchValueAttribute"/>) to that value (the parser turned it on).</summary>
    public void ApplySwitchValues(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var entry in Entries)
        {
            if (entry.Property.PropertyType == typeof(bool) && entry.Value is not null)
                entry.Property.SetValue(options, bool.Parse(entry.Value));
        }
    }
}
