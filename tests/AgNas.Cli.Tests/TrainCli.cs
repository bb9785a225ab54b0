using AgNas.Cli.Verbs;
using AgNas.Search.Runs;

namespace AgNas.Cli.Tests;

/// <summary>Runs <c>agnas train</c> through the real parser and error handling, with an observer and a cancellation the tests control.</summary>
internal static class TrainCli
{
    /// <summary>An NB201 cell with every op but none: conv 3×3, avg pool and skip.</summary>
    public const string Cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

    public static (int Code, string Out, string Err) Run(string[] args, TrainObserver? observer = null, CancellationTokenSource? cancellation = null)
    {
        IReadOnlyList<VerbRegistration> verbs =
        [
            VerbRegistration.Of<TrainOptions>((o, c) => TrainRunner.Run(o, c, observer, cancellation)),
            VerbRegistration.Of<SearchOptions>(SearchRunner.Run),
        ];
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, CliContext.ForWriters(output, error), verbs);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// A 2-epoch training run of <see cref="Cell"/> on MNIST-format files at batch 8, with <paramref name="more"/>
    /// options; one of these replaces the tiny run's value (the parser refuses an option given twice).
    /// </summary>
    public static string[] TinyArgs(string dataDir, string outDir, params string[] more)
    {
        (string Option, string Value)[] tiny =
            [("--arch", Cell), ("--dataset", "mnist"), ("--data-dir", dataDir), ("--epochs", "2"), ("--batch-size", "8"), ("--out", outDir)];
        return ["train", .. tiny.Where(o => !more.Contains(o.Option)).SelectMany(o => new[] { o.Option, o.Value }), .. more];
    }

    /// <summary>Program prints errors through Spectre, which wraps them at the console width; compare with whitespace folded.</summary>
    public static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}
