namespace AgNas.Cli.Verbs;

/// <summary>
/// Marks a switch (a bool option) that also takes an explicit <c>true</c> or <c>false</c>:
/// <c>--nesterov</c>, <c>--nesterov true</c>, <c>--nesterov false</c>, <c>--nesterov=false</c>. CommandLineParser
/// turns any bool option on when it is named and drops the word after it, so <see cref="ArgumentAudit"/> reads
/// the value from the raw arguments and the runner applies it (<see cref="GivenOptions.ApplySwitchValues"/>).
/// Only verbs whose runner applies it may use it; elsewhere a value after a switch stays an error.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SwitchValueAttribute : Attribute
{
}
