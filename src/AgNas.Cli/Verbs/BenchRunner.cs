using System.Text.Json;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Profiling;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search;
using AgNas.Search.Runs;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Tensors;
using AgNas.Tensors.Profiling;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary><c>agnas bench</c>: <see cref="StepBenchmark"/> on the chosen model, printed as a table.</summary>
public static class BenchRunner
{
    private const int Classes = 10;

    public static int Run(BenchOptions options, CliContext context)
    {
        var input = ParseInput(options.Input);
        if (options.Batch < 2) throw new UsageException($"--batch {options.Batch}: a training step needs at least 2 images (batch norm).");
        if (options.Steps < 1) throw new UsageException($"--steps {options.Steps}: expected at least 1.");
        if (options.Warmup < 0) throw new UsageException($"--warmup {options.Warmup}: expected 0 or more.");
        CheckJsonPath(options.Json);
        if (options.Space != "" && !options.Model.Equals(BenchOptions.DefaultModel, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--space {options.Space} and --model {options.Model}: give one of them (--space times a search space's supernet, --model another network).");
        var device = DeviceOption.Get(options.Device);
        var profiler = options.Profile ? new ProfilingBackend(device) : null;
        IBackend backend = profiler ?? device;
        if (options.Space == "" && options.Model.Equals("attention", StringComparison.OrdinalIgnoreCase))
            return RunAttention(options, input, backend, profiler, context);
        int stemStride = StemStrides.ForSize(input[1], input[2]);
        using Module model = options.Space.ToLowerInvariant() switch
        {
            "" => options.Model.ToLowerInvariant() switch
            {
                "cnn" => new SmallCnn(input[0], Classes, new Generator((ulong)options.Seed), backend),
                DartsNet => TargetNetwork(input, options.Seed, backend),
                ProxylessNet => new ProxylessNetwork(new ProxylessNetworkConfig(ProxylessArch.Agnas)
                {
                    InputChannels = input[0], Classes = Classes, StemStride = stemStride, Seed = (ulong)options.Seed,
                }, backend),
                _ => throw new UsageException($"--model '{options.Model}' is not known; expected: cnn, attention, {DartsNet} or {ProxylessNet}."),
            },
            "nb201" => new Nb201Supernet(new Nb201SupernetConfig { InputChannels = input[0], Classes = Classes, Seed = (ulong)options.Seed }, backend),
            "darts" => new DartsSupernet(new DartsSupernetConfig { InputChannels = input[0], Classes = Classes, Seed = (ulong)options.Seed }, backend),
            SearchSpaces.Proxyless => new ProxylessSupernet(new ProxylessSupernetConfig
            {
                InputChannels = input[0], Classes = Classes, StemStride = stemStride, Seed = (ulong)options.Seed,
            }, backend),
            _ => throw new UsageException($"--space '{options.Space}' is not known; expected: nb201, darts or {SearchSpaces.Proxyless}."),
        };
        // Each network is stepped with the recipe that trains it: the proxyless space's own search and retrain recipes, the micro
        // spaces' search recipe (which the DARTS retrain shares) for the rest.
        var recipe = options.Space.Equals(SearchSpaces.Proxyless, StringComparison.OrdinalIgnoreCase) ? SearchConfig.ForSpace(SearchSpaces.Proxyless).Recipe()
            : model is ProxylessNetwork ? TrainConfig.ForSpace(SearchSpaces.Proxyless).Recipe()
            : new SearchConfig().Recipe();
        string what = options.Space == "" ? options.Model : options.Space + " supernet";

        context.Error.MarkupLine($"[grey]timing {RunVerb.Count(options.Steps, "step")} of {Markup.Escape(what)} ({model.ParameterCount():N0} parameters) at batch {options.Batch}, input {input} on {Markup.Escape(backend.Description)}...[/]");
        var t = StepBenchmark.Run(model, input, Classes, options.Batch, options.Steps, options.Warmup, backend, () => profiler?.Reset(), recipe);

        Report(options, context, backend, profiler, t, model.ParameterCount());
        return ExitCodes.Ok;
    }

    /// <summary>The --model name of the DARTS-space target network.</summary>
    private const string DartsNet = "darts-net";

    /// <summary>The --model name of the ProxylessNAS-space network of the AGNAS architecture.</summary>
    private const string ProxylessNet = "proxyless-net";

    /// <summary>
    /// The network <c>agnas train --space darts --genotype AGNAS</c> trains (agnas-facts §3.4: 20 cells, C = 36, auxiliary head
    /// weighted 0.4), at the last epoch's drop-path probability 0.2 so that every step draws its masks.
    /// </summary>
    private static DartsNetwork TargetNetwork(Shape input, int seed, IBackend backend)
    {
        DartsNetwork net;
        try
        {
            net = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.Agnas))
            {
                InputChannels = input[0], ImageHeight = input[1], ImageWidth = input[2], Classes = Classes, Seed = (ulong)seed,
            }, backend);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--model {DartsNet} --input {input[0]}x{input[1]}x{input[2]}: {e.Message}");
        }
        net.DropPathProbability = 0.2f;
        return net;
    }

    /// <summary>The attention module alone over K = 5 candidates of the --input's C channels, forward + backward.</summary>
    private static int RunAttention(BenchOptions options, Shape input, IBackend backend, ProfilingBackend? profiler, CliContext context)
    {
        const int candidates = 5, reduction = 8;
        context.Error.MarkupLine($"[grey]timing {options.Steps} forward+backward passes of the attention block (K = {candidates}, C = {input[0]}, r = {reduction}) at batch {options.Batch}, {input[1]}×{input[2]} on {Markup.Escape(backend.Description)}...[/]");
        var t = AttentionBlockBenchmark.Run(options.Batch, candidates, input[0], input[1], input[2], reduction, options.Steps, options.Warmup, backend,
            () => profiler?.Reset());
        Report(options, context, backend, profiler, t, parameters: null);

        // The fused kernels alone against a device copy of the same buffer (the memory-bound ceiling).
        var device = profiler is null ? backend : Backends.Get(backend.Device);
        var bandwidth = AttentionBandwidth.Measure(device, options.Batch, candidates, input[0], input[1], input[2], Math.Max(options.Steps, 3));
        double copy = bandwidth[^1].GigabytesPerSecond;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Fused attention kernels against a device copy of the (B, K·C, H, W) buffer ({FormatBytes(bandwidth[^1].BytesPerCall / 2)})")
            .AddColumn("Kernel").AddColumn(new TableColumn("bytes/call").RightAligned()).AddColumn(new TableColumn("ms/call").RightAligned())
            .AddColumn(new TableColumn("GB/s").RightAligned()).AddColumn(new TableColumn("of copy").RightAligned());
        foreach (var k in bandwidth)
            table.AddRow(k.Kernel, FormatBytes(k.BytesPerCall), k.MsPerCall.ToString("0.000"), k.GigabytesPerSecond.ToString("0.0"),
                (k.GigabytesPerSecond / copy).ToString("0%"));
        context.Out.Write(table);
        return ExitCodes.Ok;
    }

    private static void Report(BenchOptions options, CliContext context, IBackend backend, ProfilingBackend? profiler, StepTimings t, long? parameters)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"agnas bench {(options.Space == "" ? "--model " + options.Model : "--space " + options.Space)} --batch {options.Batch} --input {options.Input}")
            .AddColumn("Device").AddColumn(new TableColumn("ms/step (median)").RightAligned())
            .AddColumn(new TableColumn("min–max ms").RightAligned()).AddColumn(new TableColumn("images/s").RightAligned())
            .AddColumn(new TableColumn("peak memory").RightAligned());
        table.AddRow(backend.Device.ToString(), t.MedianMs.ToString("0.0"), $"{t.MinMs:0.0}–{t.MaxMs:0.0}",
            t.ImagesPerSecond.ToString("0.0"), FormatBytes(t.PeakBytes));
        context.Out.Write(table);
        if (profiler is not null) context.Out.Write(ProfileTable(profiler, options.Steps, t.MedianMs));
        if (options.Json.Length > 0)
        {
            File.WriteAllBytes(options.Json, ResultJson(options, backend, profiler, t, parameters));
            context.Error.MarkupLine($"[grey]wrote {Markup.Escape(options.Json)}[/]");
        }
    }

    /// <summary>--json FILE: the folder must exist (checked before the timing, not after it).</summary>
    internal static void CheckJsonPath(string path)
    {
        if (path.Length == 0) return;
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"--json {path}: is a folder; expected a file name.");
        var folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
            throw new UsageException($"--json {path}: the folder {folder} does not exist.");
    }

    /// <summary>
    /// The --json object: what was timed (verb settings, device, backend), the step times in ms
    /// (median, min, max), images/s at the median, the peak bytes, the parameter count (null for the
    /// attention block) and, with --profile, one entry per backend op (ms and calls per timed step).
    /// </summary>
    internal static byte[] ResultJson(BenchOptions options, IBackend backend, ProfilingBackend? profiler, StepTimings t, long? parameters)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("impl", "agnas");
            w.WriteString("what", options.Space.Length > 0 ? options.Space.ToLowerInvariant() + " supernet" : options.Model.ToLowerInvariant());
            w.WriteString("device", backend.Device.ToString());
            w.WriteString("backend", backend.Description);
            w.WriteNumber("batch", options.Batch);
            w.WriteString("input", options.Input);
            w.WriteNumber("steps", t.Steps);
            w.WriteNumber("warmup", options.Warmup);
            w.WriteNumber("seed", options.Seed);
            if (parameters is { } p) w.WriteNumber("params", p);
            else w.WriteNull("params");
            w.WriteNumber("median_ms_per_step", t.MedianMs);
            w.WriteNumber("min_ms_per_step", t.MinMs);
            w.WriteNumber("max_ms_per_step", t.MaxMs);
            w.WriteNumber("images_per_s", t.ImagesPerSecond);
            w.WriteNumber("peak_bytes", t.PeakBytes);
            w.WriteBoolean("profiled", profiler is not null);
            if (profiler is not null)
            {
                w.WriteStartArray("ops");
                foreach (var op in profiler.Timings())
                {
                    w.WriteStartObject();
                    w.WriteString("op", op.Op);
                    w.WriteNumber("ms_per_step", op.Total.TotalMilliseconds / t.Steps);
                    w.WriteNumber("calls_per_step", op.Calls / (double)t.Steps);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static Table ProfileTable(ProfilingBackend profiler, int steps, double medianMs)
    {
        var timings = profiler.Timings();
        var table = new Table().Border(TableBorder.Rounded).Title($"Time per backend op ({profiler.ClockSource}, mean over the timed steps)")
            .AddColumn("Op").AddColumn(new TableColumn("ms/step").RightAligned())
            .AddColumn(new TableColumn("calls/step").RightAligned()).AddColumn(new TableColumn("share of step").RightAligned());
        foreach (var op in timings)
        {
            double ms = op.Total.TotalMilliseconds / steps;
            table.AddRow(op.Op, ms.ToString("0.0"), (op.Calls / (double)steps).ToString("0"), (ms / medianMs).ToString("0.0%"));
        }
        return table;
    }

    /// <summary>"3x32x32" → (3, 32, 32).</summary>
    internal static Shape ParseInput(string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, out var v) && v > 0))
            throw new UsageException($"--input '{text}': expected CxHxW with positive integers, e.g. 3x32x32 or 1x28x28.");
        return new Shape(parts.Select(int.Parse).ToArray());
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        _ => $"{bytes / 1024.0:0.0} KiB",
    };
}
