using System.Globalization;
using System.Text.Json.Nodes;

namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// <c>budget.json</c>, written beside arch.txt by a search derived under a budget: the bounds, the image size the costs are counted
/// at, and the chosen and the unconstrained (plain argmax) architectures with their total normalised importance, parameters and
/// multiply-adds, so that a reader sees what the budget cost in importance and what it saved.
/// </summary>
public static class ProxylessBudgetFile
{
    /// <summary>The file's name in the run folder.</summary>
    public const string Name = "budget.json";

    /// <summary>The file's text for <paramref name="result"/> under <paramref name="budget"/> at <paramref name="settings"/>.</summary>
    public static string Write(ProxylessBudget budget, ProxylessCostSettings settings, ProxylessBudgetResult result)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(result);
        static JsonObject Entry(ProxylessArch arch, double importance, ProxylessCostFigure cost) => new()
        {
            ["arch"] = arch.ToString(),
            ["importance"] = importance,
            ["parameters"] = cost.Parameters,
            ["macs"] = cost.Macs,
        };
        var root = new JsonObject
        {
            ["max_macs"] = budget.MaxMacs,
            ["max_parameters"] = budget.MaxParameters,
            ["input"] = string.Create(CultureInfo.InvariantCulture, $"{settings.InputChannels}x{settings.Resolution}x{settings.Resolution}"),
            ["classes"] = settings.Classes,
            ["stem_stride"] = settings.StemStride,
            ["chosen"] = Entry(result.Arch, result.Importance, result.Cost),
            ["unconstrained"] = Entry(result.Unconstrained, result.UnconstrainedImportance, result.UnconstrainedCost),
        };
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>The unconstrained (plain argmax) architecture and its cost, as <see cref="Write"/> recorded them.</summary>
    /// <exception cref="InvalidDataException">Not a budget.json this class wrote; the message names <paramref name="source"/>.</exception>
    public static (ProxylessArch Arch, ProxylessCostFigure Cost) ReadUnconstrained(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var entry = JsonNode.Parse(json)!["unconstrained"]!;
            return (ProxylessArch.Parse(entry["arch"]!.GetValue<string>(), source),
                new ProxylessCostFigure(entry["parameters"]!.GetValue<long>(), entry["macs"]!.GetValue<long>()));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NullReferenceException or InvalidOperationException or FormatException
            or ProxylessArchFormatException)
        {
            throw new InvalidDataException($"{source}: not a budget file with an unconstrained architecture and its cost ({e.Message}).", e);
        }
    }
}
