using AgNas.Search.Data;

namespace AgNas.Search.Tests.Data.Augment;

public class AugmentationPresetTests
{
    private static Type[] Types(Augmentation a) => a.Transforms.Select(t => t.GetType()).ToArray();

    [Fact]
    public void PresetsAreFoundByNameAndUnknownNamesListTheKnownOnes()
    {
        Assert.Equal(["standard", "inception"], AugmentationPresets.Names);
        Assert.Same(AugmentationPresets.Inception, AugmentationPresets.Get("Inception"));
        Assert.Contains("expected one of: standard, inception", Assert.Throws<ArgumentException>(() => AugmentationPresets.Get("autoaugment")).Message);
    }

    [Fact]
    public void InceptionOnRgbCropsFlipsJittersAndNormalises()
    {
        var info = DatasetCatalog.Cifar10;
        var train = AugmentationPresets.Inception.Training(info);
        Assert.Equal([typeof(RandomResizedCrop), typeof(HorizontalFlip), typeof(ColorJitter), typeof(Normalize)], Types(train));
        Assert.Equal("ToFloat(/255) → RandomResizedCrop(32, scale (0.08, 1), ratio (0.75, 1.3333)) → HorizontalFlip(p 0.5) → " +
                     "ColorJitter(brightness 0.4, contrast 0.4, saturation 0.4, hue 0.2) → Normalize(mean [0.49139968, 0.48215827, 0.44653124], std [0.24703233, 0.24348505, 0.26158768])",
            train.ToString());
        Assert.Equal((3, 32, 32), train.OutputShape(3, 32, 32));
        Assert.Equal((3, 24, 24), AugmentationPresets.Inception.Training(info, 24).OutputShape(3, 32, 32));
        // Stored images already at the size: evaluation only normalises.
        Assert.Equal([typeof(Normalize)], Types(AugmentationPresets.Inception.Evaluation(info)));
    }

    [Fact]
    public void InceptionOnGreyLeavesOutColourAndFollowsTheDatasetsFlipDefault()
    {
        var info = DatasetCatalog.FashionMnist;
        Assert.Equal([typeof(RandomResizedCrop), typeof(Normalize)], Types(AugmentationPresets.Inception.Training(info)));
        Assert.Equal([typeof(RandomResizedCrop), typeof(HorizontalFlip), typeof(Normalize)], Types(Augmentation.Inception(info, flip: true)));
    }

    [Fact]
    public void InceptionEvaluationResizesToSizeOver0875ThenCropsTheCentre()
    {
        Assert.Equal(256, Augmentation.EvaluationResizeFor(224));
        Assert.Equal(37, Augmentation.EvaluationResizeFor(32));    // ⌈36.57⌉
        Assert.Equal(8, Augmentation.EvaluationResizeFor(7));      // ⌈8⌉ exactly
        var imageNetLike = DatasetCatalog.Cifar10 with { Name = "folder", Height = 375, Width = 500 };
        var eval = AugmentationPresets.Inception.Evaluation(imageNetLike, 224);
        Assert.Equal("ToFloat(/255) → Resize(256) → CenterCrop(224) → Normalize(mean [0.49139968, 0.48215827, 0.44653124], std [0.24703233, 0.24348505, 0.26158768])",
            eval.ToString());
        Assert.Equal((3, 224, 224), eval.OutputShape(3, 375, 500));
        Assert.False(eval.IsRandom);
        // The largest stage is the 375×500 input: three buffers of it.
        Assert.Equal(3 * 3 * 375 * 500, eval.ScratchSize(3, 375, 500));
    }

    [Fact]
    public void StandardIsTheExistingPipelineAndKeepsTheStoredSize()
    {
        var info = DatasetCatalog.Cifar10;
        Assert.Equal(Augmentation.Training(info).ToString(), AugmentationPresets.Standard.Training(info).ToString());
        Assert.Equal(Augmentation.Evaluation(info).ToString(), AugmentationPresets.Standard.Evaluation(info, 32).ToString());
        Assert.Contains("needs 'inception'", Assert.Throws<ArgumentException>(() => AugmentationPresets.Standard.Training(info, 224)).Message);
    }

    [Fact]
    public void AResizingPipelineRunsFromBytesToTheOutputSize()
    {
        // A 2×3 RGB image of constant 51 (0.2): any crop and resize keeps 0.2, then Normalize.
        var aug = new Augmentation(new Resize(4, 6), new CenterCrop(3), new Normalize([0.1f, 0.2f, 0.3f], [0.5f, 0.5f, 0.5f]));
        Assert.Equal((3, 3, 3), aug.OutputShape(3, 2, 3));
        var src = Enumerable.Repeat((byte)51, 3 * 2 * 3).ToArray();
        var dst = new float[27];
        aug.Apply(src, dst, new float[aug.ScratchSize(3, 2, 3)], 3, 2, 3, seed: 0, epoch: 0, sampleIndex: 0);
        for (int c = 0; c < 3; c++)
            Assert.All(dst.Skip(9 * c).Take(9), v => Assert.Equal((0.2f - (0.1f + 0.1f * c)) / 0.5f, v, 5));
        Assert.Contains("destination floats", Assert.Throws<ArgumentException>(() =>
            aug.Apply(src, new float[18], new float[aug.ScratchSize(3, 2, 3)], 3, 2, 3, 0, 0, 0)).Message);
    }
}
