using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using AgNas.Cli.Verbs;
using AgNas.Search;
using AgNas.Search.Runs;
using CommandLine;

namespace AgNas.Cli.Tests;

/// <summary>
/// STYLE 15 for <c>agnas search</c>: every option has a consumer. Two checks, both driven by
/// reflection over <see cref="SearchOptions"/>, so a new option fails them until it is wired:
/// <list type="number">
/// <item>every option sets exactly one <see cref="SearchConfig"/> member, the one of the same name
/// (--no-plots: Plots; --resume is read by the runner itself), and every member is set by an option;</item>
/// <item>changing an option from its default changes what a real (tiny) search does: its exit
/// status and message, the spec its supernet was built from, the files it wrote, the weights,
/// the metrics (timings aside) or the architecture. An option whose value by design does not change
/// the numbers (--prefetch, --device on a machine with one backend) shows that its value reaches its
/// consumer by an out-of-range value that the consumer itself rejects.</item>
/// </list>
/// --out and --resume are checked by what they do to the folder.
/// </summary>
public class SearchOptionConsumerTests
{
    private static readonly IReadOnlyList<(PropertyInfo Property, OptionAttribute Option)> Options =
        typeof(SearchOptions).GetProperties()
            .Select(p => (p, p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.Item2 is not null)
            .Select(x => (x.p, x.Item2!))
            .ToList();

    /// <summary>Per option: the arguments that move it off its default in the tiny search (switches: none).</summary>
    private static readonly Dictionary<string, string[]> Mutations = new()
    {
        ["space"] = ["tiny-wide"],
        ["method"] = ["darts"],
        ["dataset"] = ["fashion-mnist"],      // same IDX files, other normalisation
        ["data-dir"] = ["<DATA2>"],           // other images
        ["epochs"] = ["3"],
        ["batch-size"] = ["6"],
        ["lr"] = ["0.05"],
        ["lr-min"] = ["0.01"],
        ["lr-schedule"] = ["linear"],
        ["momentum"] = ["0.5"],
        ["nesterov"] = [],
        ["weight-decay"] = ["0.01"],
        ["weight-decay-scope"] = ["conv-and-classifier"], // the stem BN, the attention FCs and the head (not named classifier) lose their decay
        ["grad-clip"] = ["0.01"],
        ["grad-clip-mode"] = ["value"],       // against a baseline clipped at 0.01 by norm (ClippedBaseline)
        ["label-smoothing"] = ["0.1"],
        ["augment"] = ["inception"],          // RandomResizedCrop instead of pad-and-crop
        ["train-portion"] = ["0.75"],
        ["subset"] = ["40"],
        ["seed"] = ["1"],
        ["device"] = ["cuda:7"],              // reaches the backend registry, which refuses it
        ["allow-none"] = [],
        ["reduction"] = ["2"],
        ["channels"] = ["3"],                 // reaches the supernet spec (the tiny space records it)
        ["layers"] = ["6"],
        ["stem-stride"] = ["2"],              // reaches the settings check, which refuses it outside the proxyless space
        ["max-macs"] = ["300M"],              // likewise (a budget is a proxyless setting)
        ["max-params"] = ["4.5M"],
        ["bn-recalibrate"] = ["2"],            // the validation pass sees re-estimated statistics
        ["clean-validation"] = [],
        ["prefetch"] = ["3"],                 // reaches the settings check, which refuses it (results do not depend on it)
        ["no-plots"] = [],
    };

    /// <summary>Options whose effect shows only against another baseline: these arguments are added to both runs.</summary>
    private static readonly Dictionary<string, string[]> ClippedBaseline = new() { ["grad-clip-mode"] = ["--grad-clip", "0.01"] };

    /// <summary>Mutations whose value the consumer refuses (the run does not start); every other mutated run must complete.</summary>
    private static readonly string[] Refused = ["device", "prefetch", "stem-stride", "max-macs", "max-params"];

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
        var baseline = SearchRunner.ToConfig(new SearchOptions(), now);
        var setMembers = new List<string>();
        foreach (var (property, option) in Options)
        {
            if (option.LongName == "resume") continue;
            var options = new SearchOptions();
            property.SetValue(options, Changed(property, property.GetValue(options)));
            var changed = SearchRunner.ToConfig(options, now).Differences(baseline).Select(d => d.Member).ToList();
            string expected = property.Name == nameof(SearchOptions.NoPlots) ? nameof(SearchConfig.Plots) : property.Name;
            // --space and --dataset also name the default run folder; nothing else may move.
            var extra = property.Name is nameof(SearchOptions.Space) or nameof(SearchOptions.Dataset) ? new[] { nameof(SearchConfig.OutDir) } : [];
            Assert.True(changed.Order().SequenceEqual(new[] { expected }.Concat(extra).Order()),
                $"--{option.LongName} changed [{string.Join(", ", changed)}]; expected [{string.Join(", ", new[] { expected }.Concat(extra))}]");
            setMembers.Add(expected);
        }
        Assert.Empty(SearchConfig.Members.Select(m => m.Name).Except(setMembers));
    }

    /// <summary>Another value than <paramref name="value"/>; for an option not given (null, the recipe's value) one no recipe has.</summary>
    private static object Changed(PropertyInfo property, object? value) => value switch
    {
        _ when property.Name == nameof(SearchOptions.StemStride) => "2",
        _ when property.Name is nameof(SearchOptions.MaxMacs) or nameof(SearchOptions.MaxParameters) => "5M",
        string s => s + "x",
        int i => i + 7,
        double d => d + 0.125,
        bool b => !b,
        null when property.PropertyType == typeof(int?) => 7,
        null when property.PropertyType == typeof(double?) => 0.125,
        null when property.PropertyType == typeof(string) => "x",
        _ => throw new NotSupportedException($"No change rule for {value?.GetType().Name ?? property.PropertyType.Name}."),
    };

    [Fact]
    public void ChangingAnyOptionChangesWhatTheSearchDoes()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var data2 = SearchCli.WriteIdx(tmp.Sub("data2"), variant: 1);
        int run = 0;
        string Fingerprint(params string[] more)
        {
            var outDir = tmp.Sub($"run{run++}");
            SupernetSpec? spec = null;
            // A mutation of an option the base arguments already give replaces its value (the parser
            // refuses an option given twice, which would count as a change for the wrong reason).
            var given = new List<(string Name, string Value)>
            {
                ("--space", "tiny"), ("--dataset", "mnist"), ("--data-dir", data), ("--epochs", "2"), ("--batch-size", "8"), ("--out", outDir),
            };
            int at = more.Length == 2 ? given.FindIndex(g => g.Name == more[0]) : -1;
            if (at >= 0) given[at] = (more[0], more[1]);
            string[] args = ["search", .. given.SelectMany(g => new[] { g.Name, g.Value }), .. at >= 0 ? [] : more];
            var (code, output, error) = SearchCli.Run(args, SearchCli.TinySpaces(s => spec = s.Spec));
            var sb = new StringBuilder();
            sb.Append($"exit {code}\n{error.Replace(outDir, "<OUT>")}\nspec {spec}\n");
            if (Directory.Exists(outDir))
            {
                foreach (var f in Directory.GetFiles(outDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(outDir, f)).Order())
                    sb.Append(f).Append('\n');
                var checkpoint = Path.Combine(outDir, RunFolder.CheckpointFile);
                if (File.Exists(checkpoint)) sb.Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(checkpoint)))).Append('\n');
                if (File.Exists(Path.Combine(outDir, RunFolder.StateFile)))
                {
                    var folder = new RunFolder(outDir);
                    var state = folder.ReadState();
                    foreach (var m in state.Metrics) sb.Append(m with { Seconds = 0, ImagesPerSecond = 0 }).Append('\n');
                    for (int e = 1; e <= state.CompletedEpochs; e++)
                        foreach (var m in folder.ReadAttention(e).Modules) sb.Append(string.Join(",", m.Importance.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))).Append('\n');
                }
            }
            return sb.ToString();
        }

        var baseline = Fingerprint();
        Assert.StartsWith("exit 0\n", baseline);
        Assert.Equal(baseline, Fingerprint()); // the fingerprint is deterministic, so any difference below is the option's doing
        foreach (var (name, values) in Mutations)
        {
            var args = values.Select(v => v == "<DATA2>" ? data2 : v);
            string[] extra = ClippedBaseline.GetValueOrDefault(name) ?? [];
            var reference = extra.Length == 0 ? baseline : Fingerprint(extra);
            var mutated = Fingerprint([.. extra, "--" + name, .. args]);
            Assert.True(mutated != reference, $"--{name} {string.Join(" ", values)} changed nothing the search does:\n{mutated}");
            // Only the values meant to be refused may stop the run; every other change must run to the end.
            if (!Refused.Contains(name))
                Assert.True(mutated.StartsWith("exit 0\n", StringComparison.Ordinal), $"--{name} {string.Join(" ", values)} did not complete:\n{mutated}");
        }
    }

    [Fact]
    public void OutAndResumeDecideTheRunFolder()
    {
        using var tmp = new TempFolder();
        var data = SearchCli.WriteIdx(tmp.Sub("data"));
        var outDir = tmp.Sub("chosen");
        var (code, output, error) = SearchCli.Run(["search", "--space", "tiny", "--dataset", "mnist", "--data-dir", data, "--epochs", "1", "--batch-size", "8", "--out", outDir]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.True(File.Exists(Path.Combine(outDir, RunFolder.StateFile)));
        // Nothing was written anywhere else (the default runs/... folder included).
        Assert.Equal(new[] { Path.GetFullPath(outDir), Path.GetFullPath(data) }.Order(), Directory.GetDirectories(tmp.Path).Select(Path.GetFullPath).Order());
        Assert.False(Directory.Exists("runs") && Directory.GetDirectories("runs", "tiny-mnist-*").Length > 0);

        (code, output, error) = SearchCli.Run(["search", "--resume", outDir, "--epochs", "2"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Equal(2, new RunFolder(outDir).ReadState().CompletedEpochs);
    }
}
