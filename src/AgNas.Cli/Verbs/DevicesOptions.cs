using CommandLine;

namespace AgNas.Cli.Verbs;

/// <summary>Options of <c>agnas devices</c>.</summary>
[Verb("devices", HelpText = "List the compute backends (cpu, cuda) and whether each can be used here, with the reason when not.")]
public sealed class DevicesOptions
{
    public const bool DefaultJson = false;

    [Option("json", Default = DefaultJson, HelpText = "Print the backends as JSON instead of a table.")]
    public bool Json { get; set; } = DefaultJson;
}
