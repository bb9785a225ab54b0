using Spectre.Console;

namespace AgNas.Cli;

/// <summary>
/// Where a verb writes: <see cref="Out"/> for results (tables, summaries), <see cref="Error"/> for
/// diagnostics. Verbs never touch <see cref="Console"/> or <see cref="AnsiConsole"/> directly, so
/// tests can run them against string writers.
/// </summary>
public sealed class CliContext
{
    /// <summary>Width used when the output is not a terminal (files, pipes, tests), wide enough for paths in tables.</summary>
    public const int RedirectedWidth = 120;

    private CliContext(IAnsiConsole output, IAnsiConsole error, TextWriter outWriter, TextWriter errorWriter, bool debug)
    {
        Out = output;
        Error = error;
        OutWriter = outWriter;
        ErrorWriter = errorWriter;
        Debug = debug;
    }

    public IAnsiConsole Out { get; }
    public IAnsiConsole Error { get; }

    /// <summary>The plain writer behind <see cref="Out"/> (for text that is not markup, e.g. generated help).</summary>
    public TextWriter OutWriter { get; }

    /// <summary>The plain writer behind <see cref="Error"/>.</summary>
    public TextWriter ErrorWriter { get; }

    /// <summary>AGNAS_DEBUG=1: errors print their stack trace.</summary>
    public bool Debug { get; }

    /// <summary>The options the command line named explicitly (set by Program.Run after the argument audit; null when a runner is called directly).</summary>
    internal GivenOptions? Given { get; set; }

    /// <summary>The process's console; colours and width follow the terminal. Reads AGNAS_DEBUG.</summary>
    public static CliContext FromConsole() =>
        Create(Console.Out, Console.Error, detect: true, Environment.GetEnvironmentVariable("AGNAS_DEBUG") == "1");

    /// <summary>Plain text (no colour, no ANSI codes) into the given writers, e.g. for tests.</summary>
    public static CliContext ForWriters(TextWriter output, TextWriter error, bool debug = false) =>
        Create(output, error, detect: false, debug);

    private static CliContext Create(TextWriter output, TextWriter error, bool detect, bool debug) =>
        new(MakeConsole(output, detect), MakeConsole(error, detect), output, error, debug);

    private static IAnsiConsole MakeConsole(TextWriter writer, bool detect)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = detect ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = detect ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = detect ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!console.Profile.Out.IsTerminal) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
