using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Tensors;
using static AgNas.Autograd.Functional;

namespace AgNas.Search.Profiling;

/// <summary>
/// A small fixed CNN for engine benchmarks (<c>agnas bench --model cnn</c>): three
/// conv3×3 → BatchNorm2d → ReLU blocks at 16, 16 and 32 channels with a 2×2 max-pool before the
/// third, then global average pooling and a linear classifier. Input (B, C_in, H, W).
/// </summary>
public sealed class SmallCnn : Module
{
    private readonly Sequential _block1, _block2, _block3;
    private readonly Linear _head;

    public SmallCnn(int inputChannels, int classes, Generator generator, IBackend? backend = null)
    {
        Sequential Block(int cin, int cout) => new(
            new Conv2d(cin, cout, 3, padding: 1, bias: false, generator: generator, backend: backend),
            new BatchNorm2d(cout, backend: backend),
            new ReLU());
        _block1 = RegisterModule("block1", Block(inputChannels, 16));
        _block2 = RegisterModule("block2", Block(16, 16));
        _block3 = RegisterModule("block3", Block(16, 32));
        _head = RegisterModule("head", new Linear(32, classes, generator: generator, backend: backend));
    }

    /// <summary>(B, C_in, H, W) → logits (B, classes).</summary>
    public override Var Forward(Var x)
    {
        var h = _block2.Forward(_block1.Forward(x));
        h = _block3.Forward(MaxPool2d(h, new Pool2dParams(2, 2)));
        return _head.Forward(GlobalAvgPool(h));
    }
}
