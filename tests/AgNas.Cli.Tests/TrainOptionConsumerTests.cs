using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using AgNas.Cli.Verbs;
using AgNas.Search.Runs;
using CommandLine;

namespace AgNas.Cli.Tests;

/// <summary>
/// STYLE 15 for <c>agnas train</c>: every option has a consumer. As <see cref="SearchOptionConsumerTests"/>,
/// driven by reflection over <see cref="TrainOptions"/>, so a new option fails until it is wired:
/// <list type="number">
/// <item>every option sets exactly one <see cref="TrainConfig"/> member, the one of the same name
/// (--no-plots: Plots; --resume is read by the runner itself), and every member is set by an option;</item>
/// <item>changing an option from its default changes what a real (tiny) training run does: its exit
/// status and message, the files it wrote, the weights or the metrics (timings aside). Options whose
/// value by design does not change the numbers (--prefetch, --device on a machine with one backend,
/// --space with one space) show that their value reaches the consumer by a value it rejects.</item>
/// </list>
/// --out and --resume are checked by what they do to the folder. Each option is mutated in a tiny run of the space
/// it belongs to (nb201 or darts; options of both spaces in the nb201 run).
/// </summary>
public class TrainOptionConsumerTests
{
    private static readonly IReadOnlyList<(PropertyInfo Property, OptionAttribute Option)> Options =
        typeof(TrainOptions).GetProperties()
            .Select(p => (p, p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.Item2 is not null)
            .Select(x => (x.p, x.Item2!))
            .ToList();

    private const string Nb201 = "nb201", Darts = "darts", Clipped = "nb201, 3 epochs, clipped at 0.01";

    /// <summary>Per option: the tiny run it is mutated in, and the arguments that move it off that run's value (switches: none).</summary>
    private static readonly Dictionary<string, (string Space, string[] Values)> Mutations = new()
    {
        ["space"] = (Nb201, ["darts"]),         // reaches the darts checks, which refuse the nb201 run's --arch
        ["arch"] = (Nb201, ["|nor_conv_1x1~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|"]),
        ["genotype"] = (Darts, ["AGNAS"]),
        ["channels"] = (Darts, ["6"]),
        ["layers"] = (Darts, ["4"]),
        ["dataset"] = (Nb201, ["fashion-mnist"]), // same IDX files, other normalisation
        ["data-dir"] = (Nb201, ["<DATA2>"]),    // other images
        ["epochs"] = (Nb201, ["3"]),
        ["batch-size"] = (Nb201, ["6"]),
        ["lr"] = (Nb201, ["0.05"]),
        ["lr-min"] = (Nb201, ["0.01"]),
        ["lr-schedule"] = (Clipped, ["linear"]),  // over 2 one-step epochs, linear and cosine both run at 0.1 then 0.05
        ["momentum"] = (Nb201, ["0.5"]),
        ["nesterov"] = (Nb201, ["false"]),
        ["weight-decay"] = (Nb201, ["0.01"]),
        ["weight-decay-scope"] = (Nb201, ["conv-and-classifier"]), // BN loses its decay
        ["grad-clip"] = (Nb201, ["0.01"]),
        ["grad-clip-mode"] = (Clipped, ["value"]),
        ["label-smoothing"] = (Nb201, ["0.1"]),
        ["augment"] = (Nb201, ["inception"]),
        ["cutout"] = (Nb201, ["8"]),
        ["drop-path"] = (Darts, ["0.6"]),       // the ramp reaches 0.3 in epoch 2 of 2
        ["aux-weight"] = (Darts, ["0.1"]),
        ["dropout"] = (Nb201, ["0.1"]),         // reaches the settings check, which refuses it outside the proxyless space
        ["stem-stride"] = (Nb201, ["2"]),       // likewise
        ["subset"] = (Nb201, ["6"]),
        ["seed"] = (Nb201, ["1"]),
        ["device"] = (Nb201, ["cuda:7"]),       // reaches the backend registry, which refuses it before the data is loaded
        ["prefetch"] = (Nb201, ["3"]),          // reaches the settings check, which refuses it (results do not depend on it)
        ["no-plots"] = (Nb201, []),
    };

    /// <summary>Options checked by their own effect on the run folder instead of a fingerprint.</summary>
    private static readonly string[] FolderOptions = ["out", "resume"];

    [Fact]
    public void EveryOptionIsCoveredByAConsumerCheck()
    {
        var names = Options.Select(o => o.Option.LongName).ToList();
        Assert.Empty(names.Except(Mutations.Keys).Except(FolderOptions));
        Assert.Empty(Mutations.Keys.Concat(FolderOptions).Except(names));
    }

    [Fact]
    public void EveryOptionSetsItsOwnConfigMemberAndEveryMemberHasAnOption()
    {
        var now = new DateTime(2025, 1, 2, 3, 4, 5);
        var baseline = TrainRunner.ToConfig(new TrainOptions(), now);
        var setMembers = new List<string>();
        foreach (var (property, option) in Options)
        {
            if (option.LongName == "resume") continue;
            var options = new TrainOptions();
            property.SetValue(options, Changed(property, property.GetValue(options)));
            // Named as on a command line: a switch (--nesterov) given false is told from one left out this way only.
            var given = GivenOptions.Naming(typeof(TrainOptions), option.LongName);
            var changed = TrainRunner.ToConfig(options, given, now, options.Space).Differences(baseline).Select(d => d.Member).ToList();
            string expected = property.Name == nameof(TrainOptions.NoPlots) ? nameof(TrainConfig.Plots) : property.Name;
            // --space and --dataset also name the default run folder; nothing else may move.
            var extra = property.Name is nameof(TrainOptions.Space) or nameof(TrainOptions.Dataset) ? new[] { nameof(TrainConfig.OutDir) } : [];
            Assert.True(changed.Order().SequenceEqual(new[] { expected }.Concat(extra).Order()),
                $"--{option.LongName} changed [{string.Join(", ", changed)}]; expected [{string.Join(", ", new[] { expected }.Concat(extra))}]");
            setMembers.Add(expected);
        }
        Assert.Empty(TrainConfig.Members.Select(m => m.Name).Except(setMembers));
    }

    /// <summary>
    /// Another value than <paramref name="value"/>; for an option not given (null, the recipe's value) one no recipe has,
    /// and for a switch whose default is the recipe's (--nesterov) the opposite of the default space's recipe.
    /// </summary>
    private static object Changed(PropertyInfo property, object? value) => value switch
    {
        bool when property.GetCustomAttribute<RecipeDefaultAttribute>() is not null => !TrainConfig.ForSpace(TrainConfig.DefaultSpace).Nesterov,
        _ when property.Name == nameof(TrainOptions.StemStride) => "2",
        string s => s + "x",
        int i => i + 7,
        double d => d + 0.125,
        bool b => !b,
        null when property.PropertyType == typeof(int?) => 7,
        null when property.PropertyType == typeof(double?) => 0.125,
        null when property.PropertyType == typeof(string) => "x",
        _ => throw new NotSupportedException($"No change rule for {value?.GetType().Name ?? property.PropertyType.Name}."),
    };

    /// <summary>Mutations whose value the consumer refuses (the run does not start); every other mutated run must complete.</summary>
    private static readonly string[] Refused = ["space", "device", "prefetch", "dropout", "stem-stride"];

    [Fact]
    public void ChangingAnyOptionChangesWhatTheTrainingRunDoes()
    {
        using var tmp = new TempFolder();
        // 8 images at batch 8: one step and one test batch per epoch (a step's cost hardly depends on the batch), so each of the ~20 runs takes a fraction of a second.
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 8);
        var data2 = SearchCli.WriteIdx(tmp.Sub("data2"), count: 8, variant: 1);
        int run = 0;
        // The tiny runs' options; a mutation replaces its option's value (the parser refuses an option given twice).
        var tiny = new Dictionary<string, Dictionary<string, string[]>>
        {
            [Nb201] = new()
            {
                ["arch"] = [TrainCli.Cell], ["dataset"] = ["mnist"], ["data-dir"] = [data], ["epochs"] = ["2"], ["batch-size"] = ["8"],
            },
            [Clipped] = new()
            {
                ["arch"] = [TrainCli.Cell], ["dataset"] = ["mnist"], ["data-dir"] = [data], ["epochs"] = ["3"], ["batch-size"] = ["8"], ["grad-clip"] = ["0.01"],
            },
            [Darts] = new()
            {
                ["space"] = ["darts"], ["genotype"] = ["DARTS_V2"], ["channels"] = ["4"], ["layers"] = ["3"],
                ["dataset"] = ["mnist"], ["data-dir"] = [data], ["epochs"] = ["2"], ["batch-size"] = ["8"],
            },
        };
        (int Code, string Print) Fingerprint(string space, string? name = null, params string[] values)
        {
            var outDir = tmp.Sub($"run{run++}");
            var options = new Dictionary<string, string[]>(tiny[space]);
            if (name is not null) options[name] = values.Select(v => v == "<DATA2>" ? data2 : v).ToArray();
            string[] args = ["train", "--out", outDir, .. options.SelectMany(o => new[] { "--" + o.Key }.Concat(o.Value))];
            var (code, _, error) = TrainCli.Run(args);
            var sb = new StringBuilder();
            sb.Append($"exit {code}\n{error.Replace(outDir, "<OUT>")}\n");
            if (Directory.Exists(outDir))
            {
                foreach (var f in Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(outDir, f)).Order())
                    sb.Append(f).Append('\n');
                var checkpoint = Path.Combine(outDir, RunFolder.CheckpointFile);
                if (File.Exists(checkpoint)) sb.Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(checkpoint)))).Append('\n');
                if (File.Exists(Path.Combine(outDir, RunFolder.StateFile)))
                {
                    foreach (var m in new RunFolder(outDir).ReadState<TrainState>(TrainState.CurrentFormat).Metrics)
                        sb.Append(m with { Seconds = 0, ImagesPerSecond = 0 }).Append('\n');
                }
            }
            return (code, sb.ToString());
        }

        var baselines = new Dictionary<string, (int Code, string Print)>();
        foreach (var space in tiny.Keys)
        {
            var baseline = baselines[space] = Fingerprint(space);
            Assert.True(baseline.Code == ExitCodes.Ok, baseline.Print);
            Assert.Equal(baseline, Fingerprint(space)); // the fingerprint is deterministic, so any difference below is the option's doing
        }
        foreach (var (name, (space, values)) in Mutations)
        {
            var baseline = baselines[space];
            var mutated = Fingerprint(space, name, values);
            string what = $"--{name} {string.Join(" ", values)} ({space} run)";
            if (Refused.Contains(name))
            {
                Assert.True(mutated.Code != ExitCodes.Ok, $"{what} was expected to be refused:\n{mutated.Print}");
            }
            else
            {
                Assert.True(mutated.Code == ExitCodes.Ok, $"{what} did not run:\n{mutated.Print}");
                Assert.True(mutated.Print != baseline.Print, $"{what} changed nothing the training run does:\n{mutated.Print}");
            }
        }
    }

    [Fact]
    public void OutAndResumeDecideTheRunFolder()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"), count: 16);
        var outDir = tmp.Sub("chosen");
        var (code, output, error) = TrainCli.Run(TrainCli.TinyArgs(data, outDir, "--epochs", "1"));
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.True(File.Exists(Path.Combine(outDir, RunFolder.StateFile)));
        // Nothing was written anywhere else (the default runs/... folder included).
        Assert.Equal(new[] { Path.GetFullPath(outDir), Path.GetFullPath(data) }.Order(), Directory.GetDirectories(tmp.Path).Select(Path.GetFullPath).Order());
        Assert.False(Directory.Exists("runs") && Directory.GetDirectories("runs", "train-nb201-mnist-*").Length > 0);

        (code, output, error) = TrainCli.Run(["train", "--resume", outDir, "--epochs", "2"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Equal(2, new RunFolder(outDir).ReadState<TrainState>(TrainState.CurrentFormat).CompletedEpochs);
    }
}
