using AgNas.Search.Data;

namespace AgNas.Search.Runs;

/// <summary>
/// The <c>augment</c> setting of search and training runs (<see cref="SearchConfig.Augment"/>, <see cref="TrainConfig.Augment"/>): the
/// name of an <see cref="AugmentationPreset"/>. "standard" (DARTS' and NAS-Bench-201's pad-crop and flip at the stored size) is the
/// micro spaces' recipe; the proxyless recipe is "auto", which config.json records resolved: "inception" (RandomResizedCrop, flip,
/// ColorJitter(0.4, 0.4, 0.4, 0.2); agnas-facts §4.3) where the dataset is RGB, "standard" on grey data, where colour jitter does not
/// apply and an 8 % crop of a 28-px digit or garment is mostly background.
/// </summary>
public static class Augments
{
    /// <summary>The command-line and recipe word for "choose from the dataset".</summary>
    public const string Auto = "auto";

    /// <summary>What every earlier run used (and config.json files written before the setting existed mean).</summary>
    public const string Standard = "standard";

    /// <summary>The ImageNet-style preset.</summary>
    public const string Inception = "inception";

    /// <summary>The preset <see cref="Auto"/> means for <paramref name="info"/>: inception for RGB images, standard otherwise.</summary>
    public static string For(DatasetInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.Channels == 3 ? AugmentationPresets.Inception.Name : AugmentationPresets.Standard.Name;
    }

    /// <summary>The preset name a config runs with: <see cref="Auto"/> (any case) made the dataset's (unchanged when the dataset is not in the catalog); a preset name in its canonical spelling; anything else unchanged (for <see cref="Problem"/>).</summary>
    public static string Resolve(string augment, string dataset)
    {
        ArgumentNullException.ThrowIfNull(augment);
        if (string.Equals(augment, Auto, StringComparison.OrdinalIgnoreCase))
            return DatasetCatalog.Find(dataset) is { } info ? For(info) : augment;
        return AugmentationPresets.Names.FirstOrDefault(n => string.Equals(n, augment, StringComparison.OrdinalIgnoreCase)) ?? augment;
    }

    /// <summary>The problem of a config's value, or null: a preset name, or <see cref="Auto"/> for a catalog dataset.</summary>
    public static SettingProblem? Problem(string augment, string dataset)
    {
        const string member = "Augment";
        if (AugmentationPresets.Names.Contains(augment, StringComparer.OrdinalIgnoreCase)) return null;
        if (string.Equals(augment, Auto, StringComparison.OrdinalIgnoreCase))
            return Resolve(augment, dataset) == augment
                ? new SettingProblem(member, $"{Auto} needs a catalog dataset ({string.Join(", ", DatasetCatalog.Names)}), and '{dataset}' is not one; give {string.Join(" or ", AugmentationPresets.Names)}")
                : null;
        return new SettingProblem(member, $"'{augment}' is not an augmentation; expected {string.Join(", ", AugmentationPresets.Names)} or {Auto}");
    }
}
