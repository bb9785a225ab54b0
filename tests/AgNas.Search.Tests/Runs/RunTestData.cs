using System.Security.Cryptography;
using AgNas.Search.Data;
using AgNas.Search.Runs;
using AgNas.Tensors;

namespace AgNas.Search.Tests.Runs;

/// <summary>Tiny in-memory data and settings for search-loop tests.</summary>
public static class RunTestData
{
    /// <summary>
    /// <paramref name="count"/> 1×side×side images of 4 classes (8×8 by default): class c is a bright quadrant c on a
    /// dim pseudo-random background (drawn from <paramref name="background"/>), so a tiny network learns
    /// something in a few steps.
    /// </summary>
    public static SearchData Quadrants(int count = 96, ulong background = 17, int side = 8)
    {
        const int classes = 4;
        var pixels = new byte[count * side * side];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int c = n % classes;
            labels[n] = c;
            for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                bool lit = (y < side / 2 ? 0 : 2) + (x < side / 2 ? 0 : 1) == c;
                int noise = (int)(CounterRandom.Hash(background, (ulong)((n * side + y) * side + x)) % 60);
                pixels[(n * side + y) * side + x] = (byte)(lit ? 160 + noise : noise);
            }
        }
        var images = new ImageDataset("quadrants", pixels, labels, 1, side, side, classes);
        var info = new DatasetInfo("quadrants", 1, side, side, classes, [0.3f], [0.3f], FlipByDefault: true, CropPadding: 1,
            TrainCount: count, TestCount: 0, SubFolder: "quadrants", DefaultDirectory: null, HowToGet: "made by the tests");
        return new SearchData(images, info);
    }

    /// <summary>A 3-epoch tiny-space search in <paramref name="outDir"/> at batch 16 (3 steps and 3 validation batches per epoch).</summary>
    public static SearchConfig Config(string outDir) => new()
    {
        Space = AgNas.TestSupport.TinySupernet.SpaceName,
        Dataset = "quadrants",
        Epochs = 3,
        BatchSize = 16,
        OutDir = outDir,
    };

    /// <summary>Training and test sets for <see cref="TrainRun"/>: 48 and 24 quadrant images with different backgrounds.</summary>
    public static TrainData TrainQuadrants()
    {
        var train = Quadrants(48);
        return new TrainData(train.Images, Quadrants(24, background: 29).Images, train.Info);
    }

    /// <summary>Training and test sets of 1×20×20 quadrant images (48 and 24): large enough for the DARTS auxiliary head (20 → 10 → 5).</summary>
    public static TrainData DartsQuadrants()
    {
        var train = Quadrants(48, side: 20);
        return new TrainData(train.Images, Quadrants(24, background: 29, side: 20).Images, train.Info);
    }

    /// <summary>A 2-epoch training run of DARTS_V2 at C = 4 with 3 cells (reductions at cells 1 and 2), batch 16, the rest the darts recipe.</summary>
    public static TrainConfig DartsTrainConfig(string outDir) => AgNas.Search.Runs.TrainConfig.ForSpace("darts") with
    {
        Genotype = "DARTS_V2",
        Channels = 4,
        Layers = 3,
        Dataset = "quadrants",
        Epochs = 2,
        BatchSize = 16,
        OutDir = outDir,
        Plots = false,
    };

    /// <summary>A 3-epoch training run of an NB201 cell in <paramref name="outDir"/> at batch 16 (3 steps and 2 test batches per epoch).</summary>
    public static TrainConfig TrainConfig(string outDir) => new()
    {
        Arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
        Dataset = "quadrants",
        Epochs = 3,
        BatchSize = 16,
        OutDir = outDir,
    };

    /// <summary>A training run's metrics.jsonl without the timing fields, which differ between runs.</summary>
    public static IReadOnlyList<TrainEpochRecord> TrainMetricsWithoutTimes(string dir) =>
        File.ReadAllLines(Path.Combine(dir, RunFolder.MetricsFile))
            .Select(l => System.Text.Json.JsonSerializer.Deserialize<TrainEpochRecord>(l, RunJson.Options)! with { Seconds = 0, ImagesPerSecond = 0 })
            .ToList();

    public static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>metrics.jsonl without the timing fields, which differ between runs.</summary>
    public static IReadOnlyList<EpochRecord> MetricsWithoutTimes(string dir) =>
        File.ReadAllLines(Path.Combine(dir, RunFolder.MetricsFile))
            .Select(l => System.Text.Json.JsonSerializer.Deserialize<EpochRecord>(l, RunJson.Options)! with { Seconds = 0, ImagesPerSecond = 0 })
            .ToList();
}
