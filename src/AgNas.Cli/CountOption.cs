using System.Globalization;
using AgNas.Cli.Verbs;

namespace AgNas.Cli;

/// <summary>
/// Reads a count given on the command line as an integer or with a decimal suffix, as papers write model sizes: <c>600M</c>,
/// <c>5.5M</c>, <c>1.2G</c>, <c>300k</c> (k/K = 10³, M = 10⁶, G = 10⁹; the value must come out a whole number).
/// </summary>
public static class CountOption
{
    /// <summary>The count <paramref name="text"/> means; null or empty is null (not given).</summary>
    /// <exception cref="UsageException">Not a positive count; the message names <paramref name="option"/> and the value.</exception>
    public static long? Parse(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        string t = text.Trim().Replace("_", "").Replace(",", "");
        decimal scale = 1;
        switch (t[^1])
        {
            case 'k' or 'K': scale = 1_000m; t = t[..^1]; break;
            case 'M': scale = 1_000_000m; t = t[..^1]; break;
            case 'G': scale = 1_000_000_000m; t = t[..^1]; break;
        }
        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number * scale is var value && value != decimal.Truncate(value)
            || value < 1 || value > long.MaxValue)
            throw new UsageException($"{option} '{text}' is not a count; expected a positive whole number, optionally with k, M or G (e.g. 600M, 5.5M).");
        return (long)(number * scale);
    }
}
