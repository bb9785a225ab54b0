using CommandLine;

namespace AgNas.Cli.Verbs;

/// <summary>Options of <c>agnas gradcheck</c>.</summary>
[Verb("gradcheck", HelpText = "Check every autograd function's backward against central finite differences (the same suite the unit tests run) and print a table; exit code 1 if any check fails.")]
public sealed class GradcheckOptions
{
    public const string DefaultDevice = "cpu";
    public const string DefaultFilter = "";

    [Option("device", Default = DefaultDevice, HelpText = "Backend to check: " + DeviceOption.HelpText)]
    public string Device { get; set; } = DefaultDevice;

    [Option("filter", Default = DefaultFilter, HelpText = "Only the cases whose name (op/variant) contains this text.")]
    public string Filter { get; set; } = DefaultFilter;
}
