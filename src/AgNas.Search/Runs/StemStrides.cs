using System.Globalization;
using AgNas.Search.Data;

namespace AgNas.Search.Runs;

/// <summary>
/// The proxyless space's <c>stem_stride</c> setting (<see cref="SearchConfig.StemStride"/>, <see cref="TrainConfig.StemStride"/>):
/// the stride of the stem convolution, 2 as in ProxylessNAS on 224-px ImageNet (agnas-facts §4.2), 1 on small images, where a
/// stride-2 stem followed by the skeleton's five stride-2 layers would leave nothing to pool. "auto" (null before a config is
/// resolved) is 1 for images at most <see cref="SmallImageSide"/> px on a side (every catalog dataset: Fashion-MNIST and MNIST 28,
/// CIFAR 32) and 2 for larger ones; config.json records the resolved number. Other spaces have no stem stride (null).
/// </summary>
public static class StemStrides
{
    /// <summary>The command-line word for "choose from the dataset's image size".</summary>
    public const string Auto = "auto";

    /// <summary>Images at most this many pixels on a side get a stride-1 stem under <see cref="Auto"/>.</summary>
    public const int SmallImageSide = 64;

    /// <summary>The stride <see cref="Auto"/> means for <paramref name="info"/>'s images: 1 when both sides are at most <see cref="SmallImageSide"/>, else 2.</summary>
    public static int For(DatasetInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return ForSize(info.Height, info.Width);
    }

    /// <summary>The stride <see cref="Auto"/> means for H×W images: 1 when both sides are at most <see cref="SmallImageSide"/>, else 2.</summary>
    public static int ForSize(int height, int width) => Math.Max(height, width) <= SmallImageSide ? 1 : 2;

    /// <summary>The stride <see cref="Auto"/> means for a catalog dataset (case-insensitive), or null when the catalog has no such dataset.</summary>
    public static int? ForDataset(string dataset) =>
        DatasetCatalog.Find(dataset) is { } info ? For(info) : null;

    /// <summary>Reads the command line's value: <see cref="Auto"/> (any case) → null, "1" → 1, "2" → 2.</summary>
    /// <exception cref="FormatException">Anything else; the message names the option and the value.</exception>
    public static int? Parse(string text, string option = "--stem-stride")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.Equals(text, Auto, StringComparison.OrdinalIgnoreCase)) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int stride) && stride is 1 or 2) return stride;
        throw new FormatException($"{option} '{text}' is not a stem stride; expected 1, 2 or {Auto}.");
    }

    /// <summary>
    /// The stride a config of <paramref name="space"/> runs with: in the proxyless space the given one; when none is given, the stride
    /// of the search run <paramref name="arch"/> comes from (a training run's --arch naming a run folder: the exported network keeps the
    /// stem it was searched and costed with), else <see cref="Auto"/>'s for the dataset (null when the dataset is not in the catalog);
    /// in other spaces the given one (null).
    /// </summary>
    public static int? Resolve(string space, int? given, string dataset, string? arch = null) =>
        SearchConfig.IsProxyless(space) && given is null
            ? (arch is null ? null : Spaces.Proxyless.ProxylessArch.RunStemStride(arch)) ?? ForDataset(dataset)
            : given;

    /// <summary>The problem of a config's stem stride, or null: proxyless takes 1 or 2 (null = auto, which needs a catalog dataset); other spaces none.</summary>
    public static SettingProblem? Problem(string space, int? stride, string dataset)
    {
        const string member = "StemStride";
        if (!SearchConfig.IsProxyless(space))
            return stride is null ? null : new SettingProblem(member, $"{stride} is a proxyless setting; the {space} space has no stem stride (leave it out)");
        if (stride is null)
            return ForDataset(dataset) is null
                ? new SettingProblem(member, $"{Auto} needs the image size of a catalog dataset ({string.Join(", ", DatasetCatalog.Names)}), and '{dataset}' is not one; give 1 or 2")
                : null;
        return stride is 1 or 2 ? null : new SettingProblem(member, $"{stride} must be 1 or 2 ({Auto}: chosen from the image size)");
    }
}
