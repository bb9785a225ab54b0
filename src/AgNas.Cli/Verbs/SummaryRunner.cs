using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgNas.Search.Analysis;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Spaces.Nb201;
using AgNas.Search.Spaces.Proxyless;
using AgNas.Tensors;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary>
/// <c>agnas summary</c>: builds a space's evaluation network (<see cref="SummarySpaces"/>), counts it with
/// <see cref="NetworkSummary"/> and prints one row per top-level layer (name, type, output C×H×W, parameters,
/// multiply-adds) with the totals; <c>--json FILE</c> writes the same as JSON.
/// </summary>
public static class SummaryRunner
{
    /// <summary>The counting convention, printed under the table and written to --json.</summary>
    public const string Convention =
        "Multiply-adds per image, of Conv2d and Linear layers only (batch norm, activations, pools, additions and bias additions are not counted).";

    public static int Run(SummaryOptions options, CliContext context)
    {
        var space = SummarySpaces.Find(options.Space)
            ?? throw new UsageException($"--space '{options.Space}' is not known; expected one of: {string.Join(", ", SummarySpaces.All.Select(s => s.Name))}.");
        var request = Request(options, space, GivenOptions.Of(options, context));
        BenchRunner.CheckJsonPath(options.Json);

        SummaryNetwork built;
        try
        {
            built = space.Build(request);
        }
        catch (Exception e) when (e is Nb201ArchFormatException or DartsGenotypeFormatException or ProxylessArchFormatException)
        {
            // One line, unwrapped (the message holds the string or file and where it goes wrong), as agnas lookup and train.
            context.ErrorWriter.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--space {space.Name}: {e.Message}");
        }

        using (built)
        {
            NetworkSummary summary;
            try
            {
                summary = NetworkSummary.Of(built.Network, request.Input, built.Forward, built.NotInTotals?.Select(n => n.Layer).ToList());
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--input {SummarySpaces.Format(request.Input)} does not fit the {space.Name} network: {e.Message}");
            }
            var notes = built.Notes?.Invoke(summary).ToList() ?? [];
            Write(context, space, request, built, summary, notes);
            if (options.Json.Length > 0)
            {
                File.WriteAllBytes(options.Json, Json(space, request, built, summary, notes));
                context.Error.MarkupLine($"[grey]wrote {Markup.Escape(options.Json)}[/]");
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>The options with the space's defaults applied, after checking that the space takes each one given.</summary>
    /// <exception cref="UsageException">A missing architecture, an option of another space, or a value out of range.</exception>
    private static SummaryRequest Request(SummaryOptions options, SummarySpace space, GivenOptions given)
    {
        var takes = new[] { space.ArchOption }.Concat(space.SizeOptions).ToList();
        string TakesText() => string.Join(", ", takes.Select(o => "--" + o));
        foreach (var option in SummarySpaces.SpaceOptions)
        {
            if (given.Contains(option) && !takes.Contains(option))
                throw new UsageException($"--{option} does not apply to --space {space.Name}, which takes {TakesText()}.");
        }
        var arch = (string)GivenOptions.OptionProperties(typeof(SummaryOptions))[space.ArchOption].GetValue(options)!;
        if (arch.Trim().Length == 0)
            throw new UsageException($"--{space.ArchOption} is required with --space {space.Name}.");
        var input = options.Input.Length == 0 ? space.DefaultInput : BenchRunner.ParseInput(options.Input);
        if (options.Classes < 0) throw new UsageException($"--classes {options.Classes}: expected 1 or more (0 = the space's default, {space.DefaultClasses}).");
        if (options.Channels < 0) throw new UsageException($"--channels {options.Channels}: expected 1 or more (0 = the space's default).");
        if (options.Layers < 0) throw new UsageException($"--layers {options.Layers}: expected 1 or more (0 = the space's default).");
        return new SummaryRequest(arch, input, options.Classes == 0 ? space.DefaultClasses : options.Classes,
            options.Channels == 0 ? null : options.Channels, options.Layers == 0 ? null : options.Layers, SearchRunner.ParseStemStride(options.StemStride));
    }

    private static void Write(CliContext context, SummarySpace space, SummaryRequest request, SummaryNetwork built, NetworkSummary summary, IReadOnlyList<string> notes)
    {
        bool defaults = request.Input == space.DefaultInput && request.Classes == space.DefaultClasses;
        WriteWrapped(context, built.Description);
        context.OutWriter.WriteLine($"Input {Shape(request.Input)}, {request.Classes} classes{(defaults ? $" ({space.DefaultData})" : "")}.");
        var table = new Table().Border(TableBorder.Rounded).ShowFooters()
            .AddColumn(new TableColumn("Layer").Footer("Total"))
            .AddColumn(new TableColumn("Type"))
            .AddColumn(new TableColumn("Output").RightAligned())
            .AddColumn(new TableColumn("Parameters").RightAligned().Footer(N(summary.TotalParameters)))
            .AddColumn(new TableColumn("Mult-adds").RightAligned().Footer(N(summary.TotalMultiplyAdds)));
        foreach (var row in summary.Layers)
        {
            table.AddRow(Markup.Escape(row.Name + (row.InTotals ? "" : " *")), Markup.Escape(row.Type),
                row.Output is { } shape ? Shape(shape) : "-", N(row.Parameters), N(row.MultiplyAdds));
        }
        context.Out.Write(table);
        foreach (var (layer, reason) in built.NotInTotals ?? []) WriteWrapped(context, $"* not in the totals: {layer} ({reason}).");
        context.OutWriter.WriteLine($"Totals: {M(summary.TotalParameters)} M parameters, {M(summary.TotalMultiplyAdds)} M multiply-adds.");
        foreach (var note in notes) WriteWrapped(context, note);
        WriteWrapped(context, Convention);
    }

    /// <summary>Prose under 80 columns: words moved to the next line at the width (a longer word, e.g. an NB201 cell, gets a line of its own).</summary>
    private static void WriteWrapped(CliContext context, string text)
    {
        const int width = 80;
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                context.OutWriter.WriteLine(line.ToString());
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        context.OutWriter.WriteLine(line.ToString());
    }

    /// <summary>
    /// The --json object: space, architecture (canonical text), input [C, H, W], classes, the convention, one entry
    /// per layer (name, type, output [dims] or null, parameters, multiply_adds, in_totals), the totals and the notes.
    /// </summary>
    internal static byte[] Json(SummarySpace space, SummaryRequest request, SummaryNetwork built, NetworkSummary summary, IReadOnlyList<string> notes)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("space", space.Name);
            w.WriteString("architecture", built.Architecture);
            WriteDims(w, "input", request.Input);
            w.WriteNumber("classes", request.Classes);
            w.WriteString("convention", Convention);
            w.WriteStartArray("layers");
            foreach (var row in summary.Layers)
            {
                w.WriteStartObject();
                w.WriteString("name", row.Name);
                w.WriteString("type", row.Type);
                if (row.Output is { } shape) WriteDims(w, "output", shape);
                else w.WriteNull("output");
                w.WriteNumber("parameters", row.Parameters);
                w.WriteNumber("multiply_adds", row.MultiplyAdds);
                w.WriteBoolean("in_totals", row.InTotals);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("total_parameters", summary.TotalParameters);
            w.WriteNumber("total_multiply_adds", summary.TotalMultiplyAdds);
            w.WriteStartArray("notes");
            foreach (var note in notes) w.WriteStringValue(note);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteDims(Utf8JsonWriter w, string name, Shape shape)
    {
        w.WriteStartArray(name);
        foreach (var d in shape) w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    /// <summary>"36×32×32" (an image's C×H×W), "10" (features).</summary>
    private static string Shape(Shape shape) => string.Join("×", shape);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string M(long value) => (value / 1e6).ToString("0.000", CultureInfo.InvariantCulture);
}
