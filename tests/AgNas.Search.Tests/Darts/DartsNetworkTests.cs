using AgNas.Autograd;
using AgNas.Search.Ops;
using AgNas.Search.Spaces.Darts;
using AgNas.Search.Tests.Nb201;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Tests.Darts;

public class DartsNetworkTests
{
    private static IBackend Cpu => CpuBackend.Instance;

    private static DartsNetworkConfig Tiny(DartsArchitecture architecture) => new(architecture)
    {
        Channels = 4, Layers = 5, InputChannels = 3, ImageHeight = 32, ImageWidth = 32, Seed = 3,
    };

    /// <summary>
    /// The published counts (aux head excluded, DARTS' count_parameters_in_MB): AGNAS 3.6 M in the paper (3.612 M in
    /// agnas-facts §2.2 computed from the reference code), DARTS_V2 3.3 M (3.349 M). Exact counts of this network:
    /// AGNAS 3,611,998 and DARTS_V2 3,349,342; the auxiliary head adds 476,426 to either.
    /// </summary>
    [Fact]
    public void ParameterCountsAreThePublishedOnes()
    {
        using var agnas = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.Agnas)));
        using var darts = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.DartsV2)));
        Assert.Equal(3_611_998, agnas.ParameterCountWithoutAuxiliary());
        Assert.Equal(3_349_342, darts.ParameterCountWithoutAuxiliary());
        Assert.Equal(3.61, Math.Round(agnas.ParameterCountWithoutAuxiliary() / 1e6, 2));
        Assert.Equal(3.612, Math.Round(agnas.ParameterCountWithoutAuxiliary() / 1e6, 3));
        Assert.Equal(3.35, Math.Round(darts.ParameterCountWithoutAuxiliary() / 1e6, 2));
        Assert.Equal(3.349, Math.Round(darts.ParameterCountWithoutAuxiliary() / 1e6, 3));
        // AuxiliaryHeadCIFAR(576, 10): conv 576·128 + BN 2·128 + conv 128·768·2·2 + BN 2·768 + Linear 768·10 + 10.
        Assert.Equal(576 * 128 + 256 + 128 * 768 * 4 + 1536 + 7690, agnas.AuxiliaryParameterCount());
        Assert.Equal(agnas.ParameterCount(), agnas.ParameterCountWithoutAuxiliary() + agnas.AuxiliaryParameterCount());
        Assert.Equal(576, agnas.OutputChannels);
        Assert.Equal(2, agnas.AuxiliaryHead!.Kernel);
    }

    /// <summary>agnas-facts §2.2: cells 0–5 Cell_0 (C 36), 6 Cell_2 (72), 7–12 Cell_3, 13 Cell_5 (144, auxiliary head), 14–19 Cell_6.</summary>
    [Fact]
    public void TheTwentyCellsTakeTheirStagesGenotypes()
    {
        using var net = new DartsNetwork(new DartsNetworkConfig(DartsArchitecture.Of(DartsGenotypes.Agnas)) { AuxiliaryWeight = 0 });
        var agnas = DartsGenotypes.Agnas;
        Assert.Equal(20, net.Cells.Count);
        for (int i = 0; i < 20; i++)
        {
            var (slot, channels) = i switch
            {
                <= 5 => (DartsCellSlot.Normal1, 36),
                6 => (DartsCellSlot.Reduce1, 72),
                <= 12 => (DartsCellSlot.Normal2, 72),
                13 => (DartsCellSlot.Reduce2, 144),
                _ => (DartsCellSlot.Normal3, 144),
            };
            var cell = net.Cells[i];
            Assert.True(slot == DartsStages.SlotOf(i, 20), $"cell {i}: {DartsStages.SlotOf(i, 20)}");
            Assert.Same(agnas[slot], cell.Genotype);
            Assert.Equal(channels, cell.Channels);
            Assert.Equal(i is 6 or 13, cell.Reduction);
            // The cell after a reduction meets a twice-larger state 0 and reduces it.
            Assert.Equal(i is 7 or 14, cell.Preprocess0 is FactorizedReduce);
        }
        Assert.Equal(13, DartsStages.AuxiliaryLayer(20));
        Assert.Null(net.AuxiliaryHead);
        Assert.Equal(3 * 36, net.Stem.Children().OfType<AgNas.Autograd.Modules.Conv2d>().Single().OutChannels);
    }

    [Fact]
    public void ASingleGenotypeIsUsedByEveryCellOfItsKind()
    {
        using var net = new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.DartsV2)) with { Layers = 8 });
        Assert.Equal([false, false, true, false, false, true, false, false], net.Cells.Items.Select(c => c.Reduction));
        Assert.All(net.Cells.Items, c => Assert.Same(c.Reduction ? DartsGenotypes.DartsV2.Reduce : DartsGenotypes.DartsV2.Normal, c.Genotype));
        Assert.Equal([0, 0, 1, 2, 2, 3, 4, 4], Enumerable.Range(0, 8).Select(i => (int)DartsStages.SlotOf(i, 8)));
        Assert.Equal([0, 1, 3], Enumerable.Range(0, 3).Select(i => (int)DartsStages.SlotOf(i, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DartsStages.SlotOf(0, 2));
    }

    [Fact]
    public void StateDictNamesArePyTorchs()
    {
        using var net = new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.Agnas)));
        var names = net.NamedParameters().Select(p => p.Name).ToList();
        Assert.Equal("stem.0.weight", names[0]);
        Assert.Contains("cells.0.preprocess0.op.1.weight", names);
        Assert.Contains("cells.0._ops.0.op.1.weight", names);       // sep_conv_3x3 depthwise
        Assert.Contains("cells.2.preprocess0.conv_1.weight", names); // after the reduction at cell 1 (5 // 3)
        Assert.Contains("cells.1._ops.2.conv_2.weight", names);     // Reduce1's skip_connect from state 0: a FactorizedReduce
        Assert.Contains("auxiliary_head.features.5.weight", names);
        Assert.Equal("classifier.bias", names[^1]);
    }

    [Fact]
    public void ForwardShapesAndTheAuxiliaryHeadOnlyInTraining()
    {
        using var net = new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.Agnas)));
        using var scope = TensorScope.Begin();
        var x = SupernetTestUtil.Images(new Shape(2, 3, 32, 32), Cpu, seed: 5);
        var training = net.ForwardTraining(x);
        Assert.Equal(new Shape(2, 10), training.Logits.Shape);
        Assert.Equal(new Shape(2, 10), training.AuxiliaryLogits!.Shape);
        Assert.Equal(0.4f, training.AuxiliaryWeight);
        Assert.Equal(new Shape(2, 10), net.Forward(x).Shape);
        net.Eval();
        Assert.Null(net.ForwardTraining(x).AuxiliaryLogits);
    }

    [Fact]
    public void OddImageSizesWorkAndTheAuxiliaryHeadAdaptsOrRefuses()
    {
        // 28×28 (Fashion-MNIST): 28 → 14 → 7 at the head, pooled to 1×1, so its second conv is 1×1.
        using (var net = new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.Agnas)) with { InputChannels = 1, ImageHeight = 28, ImageWidth = 28 }))
        using (var scope = TensorScope.Begin())
        {
            Assert.Equal(1, net.AuxiliaryHead!.Kernel);
            var y = net.ForwardTraining(SupernetTestUtil.Images(new Shape(2, 1, 28, 28), Cpu));
            Assert.Equal(new Shape(2, 10), y.AuxiliaryLogits!.Shape);
            // 15×15 has odd sizes at both reductions (15 → 8 → 4); without the head it runs.
            using var small = new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.DartsV2)) with { ImageHeight = 15, ImageWidth = 15, AuxiliaryWeight = 0 });
            Assert.Equal(new Shape(2, 10), small.ForwardTraining(SupernetTestUtil.Images(new Shape(2, 3, 15, 15), Cpu)).Logits.Shape);
        }
        var e = Assert.Throws<ArgumentException>(() => new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.DartsV2)) with { ImageHeight = 15, ImageWidth = 15 }));
        Assert.Contains("reach the auxiliary head", e.Message);
        Assert.Contains("auxiliary weight of 0", e.Message);
    }

    /// <summary>Drop-path acts in training only: the evaluation output is the same at p = 0.5 and p = 0; the training output is not.</summary>
    [Fact]
    public void DropPathIsOffInEvaluation()
    {
        using var net = new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.Agnas)) with { AuxiliaryWeight = 0 });
        using var scope = TensorScope.Begin();
        var x = SupernetTestUtil.Images(new Shape(4, 3, 32, 32), Cpu, seed: 8);
        using (GradMode.NoGrad())
        {
            net.BeforeTrainingStep(3, 1);
            net.DropPathProbability = 0f;
            var plain = net.Forward(x).Data.ToArray();
            net.DropPathProbability = 0.5f;
            var dropped = net.Forward(x).Data.ToArray();
            Assert.NotEqual(plain, dropped);
            Assert.Equal(dropped, net.Forward(x).Data.ToArray()); // the same step draws the same masks
            net.BeforeTrainingStep(3, 2);
            Assert.NotEqual(dropped, net.Forward(x).Data.ToArray());

            net.Eval();
            var evalDropped = net.Forward(x).Data.ToArray();
            net.DropPathProbability = 0f;
            Assert.Equal(evalDropped, net.Forward(x).Data.ToArray());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => net.DropPathProbability = 1f);
    }

    [Fact]
    public void DropPathSkipsOnlyTheIdentity()
    {
        using var net = new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.DartsV2)) with { AuxiliaryWeight = 0 });
        var normal = net.Cells[0];
        var reduce = net.Cells[1];
        for (int g = 0; g < normal.Genotype.Genes.Count; g++)
            Assert.Equal(normal.Genotype.Genes[g].Op != DartsOp.SkipConnect, normal.DropPathApplies(g));
        // In the reduction cell skip_connect reads state 2 (stride 1, identity): not dropped; the pools are.
        for (int g = 0; g < reduce.Genotype.Genes.Count; g++)
            Assert.Equal(reduce.Genotype.Genes[g].Op != DartsOp.SkipConnect, reduce.DropPathApplies(g));
        // A skip_connect at stride 2 is a FactorizedReduce and is dropped.
        var agnas = new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.Agnas)) with { AuxiliaryWeight = 0 });
        using (agnas)
        {
            var r1 = agnas.Cells[1];
            Assert.Equal(new DartsGene(DartsOp.SkipConnect, 0), r1.Genotype.Genes[2]);
            Assert.IsType<FactorizedReduce>(r1.Ops[2]);
            Assert.True(r1.DropPathApplies(2));
            Assert.Equal(new DartsGene(DartsOp.SkipConnect, 1), r1.Genotype.Genes[5]);
            Assert.True(r1.DropPathApplies(5));
        }
    }

    [Fact]
    public void TheTrainingLossReachesTheAuxiliaryHeadAndTheCells()
    {
        using var net = new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.DartsV2)));
        using var scope = TensorScope.Begin();
        var x = SupernetTestUtil.Images(new Shape(3, 3, 32, 32), Cpu, seed: 9);
        var labels = SupernetTestUtil.Labels(3, 10, Cpu);
        net.DropPathProbability = 0.2f;
        net.BeforeTrainingStep(1, 1);
        var y = net.ForwardTraining(x);
        var loss = Functional.Add(Functional.CrossEntropy(y.Logits, labels), Functional.Scale(Functional.CrossEntropy(y.AuxiliaryLogits!, labels), y.AuxiliaryWeight));
        loss.Backward();
        Assert.All(net.AuxiliaryHead!.Parameters(), p => Assert.NotNull(p.Grad));
        Assert.NotNull(net.Cells[0].Preprocess1.Conv.Weight.Grad);
        Assert.NotNull(net.Classifier.Weight.Grad);
    }

    [Fact]
    public void AReductionCellMayNotConcatenateItsInputs()
    {
        var bad = new DartsCellGenotype(DartsGenotypes.DartsV2.Reduce.Genes, [1, 2, 3, 4, 5]);
        var e = Assert.Throws<ArgumentException>(() =>
            new DartsNetwork(Tiny(DartsArchitecture.Of(new DartsGenotype(DartsGenotypes.DartsV2.Normal, bad)))));
        Assert.Contains("the concat range(1, 6) names an input state", e.Message);
        Assert.Throws<ArgumentException>(() => new DartsNetwork(Tiny(DartsArchitecture.Of(DartsGenotypes.DartsV2)) with { Layers = 2 }));
    }
}
