using System.Reflection;
using AgNas.Cli.Verbs;
using CommandLine;
using CommandLine.Text;
using Spectre.Console;

namespace AgNas.Cli;

/// <summary>A verb: its options class (carrying <see cref="VerbAttribute"/>) and the runner that executes it.</summary>
public sealed record VerbRegistration(Type OptionsType, Func<object, CliContext, int> Run)
{
    public static VerbRegistration Of<TOptions>(Func<TOptions, CliContext, int> run) where TOptions : class =>
        new(typeof(TOptions), (options, context) => run((TOptions)options, context));

    public string Name => OptionsType.GetCustomAttribute<VerbAttribute>()?.Name
        ?? throw new InvalidOperationException($"{OptionsType.Name} has no [Verb] attribute.");
}

/// <summary>
/// The <c>agnas</c> command line. Exit codes: <see cref="ExitCodes.Ok"/> 0, <see cref="ExitCodes.Failure"/> 1
/// (checks failed or an error), <see cref="ExitCodes.Usage"/> 2 (bad command line).
/// </summary>
public static class Program
{
    // ---- verb registry ------------------------------------------------------------------------
    //
    // How to add a verb (gradcheck, bench, search, ...):
    //  1. src/AgNas.Cli/Verbs/<Verb>Options.cs: a class with [Verb("<verb>", HelpText = "...")] and one
    //     property per option, each [Option("long-name", Default = <const>, HelpText = "...")]. Every
    //     default is a public const in that class, used both in the attribute (so --help shows it) and
    //     as the property initialiser (so code that builds the options directly agrees). Required options
    //     say Required = true instead of a Default.
    //  2. src/AgNas.Cli/Verbs/<Verb>Runner.cs: `public static int Run(<Verb>Options options, CliContext context)`.
    //     Write through context.Out / context.Error (never Console), return an ExitCodes value
    //     (Failure when checks fail), throw UsageException for values that parse but make no sense
    //     (exit 2), and let every other exception propagate: Main prints its message in red and exits 1.
    //     Get backends from AgNas.Tensors.Backends (never construct one).
    //  3. Add `VerbRegistration.Of<<Verb>Options>(<Verb>Runner.Run)` to Verbs below.
    //  4. Test it through Program.Run([...], CliContext.ForWriters(out, err)) in tests/AgNas.Cli.Tests;
    //     VerbConventionTests already checks the help text and defaults of every registered verb.
    internal static readonly IReadOnlyList<VerbRegistration> Verbs =
    [
        VerbRegistration.Of<DevicesOptions>(DevicesRunner.Run),
        VerbRegistration.Of<GradcheckOptions>(GradcheckRunner.Run),
        VerbRegistration.Of<SelftestOptions>(SelftestRunner.Run),
        VerbRegistration.Of<BenchOptions>(BenchRunner.Run),
        VerbRegistration.Of<SearchOptions>(SearchRunner.Run),
        VerbRegistration.Of<TrainOptions>(TrainRunner.Run),
        VerbRegistration.Of<LookupOptions>(LookupRunner.Run),
        VerbRegistration.Of<SummaryOptions>(SummaryRunner.Run),
    ];

    public static int Main(string[] args) => Run(args, CliContext.FromConsole());

    /// <summary>Parses <paramref name="args"/>, runs the verb and maps every outcome to an exit code.</summary>
    public static int Run(string[] args, CliContext context) => Run(args, context, Verbs);

    internal static int Run(string[] args, CliContext context, IReadOnlyList<VerbRegistration> verbs)
    {
        using var parser = new Parser(s =>
        {
            s.HelpWriter = null; // help and errors are written below, to the right stream with the right exit code
            s.CaseInsensitiveEnumValues = true;
            s.AutoHelp = true;
            s.AutoVersion = true;
        });
        // -h is what most command-line tools (and argparse-based NAS scripts) take for help.
        args = args.Select(a => a == "-h" ? "--help" : a).ToArray();
        var result = parser.ParseArguments(args, verbs.Select(v => v.OptionsType).ToArray());
        if (result is NotParsed<object> notParsed) return ReportParseErrors(result, notParsed.Errors.ToList(), context);

        var options = ((Parsed<object>)result).Value;
        var verb = verbs.Single(v => v.OptionsType == options.GetType());
        if (ArgumentAudit.Audit(verb.OptionsType, args, out var given) is { } problem)
        {
            PrintError(context, problem);
            context.ErrorWriter.WriteLine($"Run 'agnas {verb.Name} --help' for the options.");
            return ExitCodes.Usage;
        }
        context.Given = given;
        try
        {
            return verb.Run(options, context);
        }
        catch (UsageException e)
        {
            PrintError(context, e.Message);
            context.ErrorWriter.WriteLine($"Run 'agnas {verb.Name} --help' for the options.");
            return ExitCodes.Usage;
        }
        catch (OutOfMemoryException e)
        {
            // The tensor allocators turn their failures into TensorOutOfMemoryException (below), which names the
            // request and the live/peak bytes. This is the runtime's own: a host array or the managed heap. Once the
            // verb's frames are unwound its objects are garbage, so one line can still be written; if even that
            // fails, the exception escapes and the runtime aborts as it did before.
            if (context.Debug) context.ErrorWriter.WriteLine(e.ToString());
            else PrintError(context, "out of memory outside the tensor allocator (a host array or the managed heap); try a smaller --batch-size.");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            if (context.Debug)
                context.ErrorWriter.WriteLine(e.ToString());
            else
                PrintError(context, e.Message);
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// "error: message" on stderr, the prefix in red on a terminal. The message goes to the plain
    /// writer so that it stays on one line whatever the console width (errors name paths and values
    /// that users copy).
    /// </summary>
    private static void PrintError(CliContext context, string message)
    {
        context.Error.Markup("[red]error:[/] ");
        context.ErrorWriter.WriteLine(message);
    }

    /// <summary>Help or version asked for: stdout, 0. Anything else (no verb, unknown verb or option): stderr, 2.</summary>
    private static int ReportParseErrors(ParserResult<object> result, IReadOnlyList<Error> errors, CliContext context)
    {
        bool asked = errors.IsHelp() || errors.IsVersion();
        HelpText Customise(HelpText h)
        {
            h.Heading = $"agnas {Version}";
            h.Copyright = "AgNas: attention-guided neural architecture search (AGNAS, ICML 2022) on its own tensor engine.";
            h.AdditionalNewLineAfterOption = false;
            return h;
        }
        // An unknown verb gets the list of verbs; everything else (agnas --help, agnas help <verb>,
        // agnas <verb> --help, a bad option) gets what CommandLineParser's verb-aware builder shows.
        var help = errors.Any(e => e.Tag == ErrorType.BadVerbSelectedError)
            ? HelpText.AutoBuild(result, h => HelpText.DefaultParsingErrorsHandler(result, Customise(h)), e => e, verbsIndex: true)
            : HelpText.AutoBuild(result, h => Customise(h));
        if (asked)
        {
            context.OutWriter.WriteLine(errors.IsVersion() ? $"agnas {Version}" : help.ToString());
            return ExitCodes.Ok;
        }
        context.ErrorWriter.WriteLine(help.ToString());
        return ExitCodes.Usage;
    }

    private static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Program).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
