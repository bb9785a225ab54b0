using System.Text.Json;
using AgNas.Tensors;
using Spectre.Console;

namespace AgNas.Cli.Verbs;

/// <summary><c>agnas devices</c>: what <see cref="Backends.Describe"/> reports, as a table or JSON.</summary>
public static class DevicesRunner
{
    public static int Run(DevicesOptions options, CliContext context)
    {
        var backends = Backends.Describe().ToList();
        if (options.Json)
        {
            var json = backends.Select(b => new Dictionary<string, object?>
            {
                ["name"] = b.Name,
                ["available"] = b.Available,
                ["reason"] = b.Reason,
                ["devices"] = b.Devices.Select(d => d.ToString()).ToArray(),
                ["properties"] = b.Properties.ToDictionary(p => p.Key, p => p.Value),
            });
            context.OutWriter.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Ok;
        }

        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title("AgNas backends")
            .AddColumn("Backend")
            .AddColumn("Status")
            .AddColumn("Devices")
            .AddColumn("Details");
        foreach (var b in backends)
        {
            var status = b.Available ? "[green]available[/]" : $"[red]unavailable[/]: {Markup.Escape(b.Reason ?? "unknown reason")}";
            var devices = b.Devices.Count == 0 ? "-" : string.Join(", ", b.Devices);
            var details = b.Properties.Count == 0 ? "-" : string.Join("\n", b.Properties.Select(p => $"{p.Key}: {p.Value}"));
            table.AddRow(Markup.Escape(b.Name), status, Markup.Escape(devices), Markup.Escape(details));
        }
        context.Out.Write(table);
        return ExitCodes.Ok;
    }
}
