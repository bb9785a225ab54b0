namespace AgNas.Tensors;

/// <summary>
/// Hyper-parameters of a 2-D convolution (square stride, padding and dilation, as every op of the
/// supported search spaces uses). The kernel size comes from the weight (C_out, C_in/groups, kH, kW).
/// </summary>
public readonly record struct Conv2dParams(int Stride = 1, int Padding = 0, int Dilation = 1, int Groups = 1)
{
    /// <summary>Stride 1, no padding, dilation 1, one group (so <c>new Conv2dParams()</c> is not all zeros).</summary>
    public Conv2dParams() : this(1, 0, 1, 1) { }

    /// <summary>PyTorch's output size: floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1.</summary>
    public int OutputSize(int input, int kernel) => Pool2dParams.OutputSize(input, kernel, Stride, Padding, Dilation);
}

/// <summary>Hyper-parameters of max/avg pooling (square window, ceil_mode off).</summary>
public readonly record struct Pool2dParams(int Kernel, int Stride, int Padding = 0)
{
    public int OutputSize(int input) => OutputSize(input, Kernel, Stride, Padding, 1);

    /// <summary>floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1, or 0 when the window never fits.</summary>
    public static int OutputSize(int input, int kernel, int stride, int padding, int dilation)
    {
        int span = dilation * (kernel - 1) + 1;
        int padded = input + 2 * padding;
        return padded < span ? 0 : (padded - span) / stride + 1;
    }
}

/// <summary>Hyper-parameters of SGD as PyTorch defines it (torch.optim.SGD).</summary>
public readonly record struct SgdParams(float LearningRate, float Momentum = 0f, float Dampening = 0f, float WeightDecay = 0f, bool Nesterov = false);

/// <summary>One parameter of a fused SGD step (<see cref="IBackend.SgdStepMany"/>): the tensors of <see cref="IBackend.SgdStep"/>.</summary>
public readonly record struct SgdTensor(Tensor Param, Tensor Grad, Tensor? MomentumBuffer, bool IsFirstStep);

/// <summary>Hyper-parameters of Adam as PyTorch defines it (torch.optim.Adam, L2 weight decay added to the gradient).</summary>
public readonly record struct AdamParams(float LearningRate = 1e-3f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Eps = 1e-8f, float WeightDecay = 0f)
{
    /// <summary>PyTorch's defaults (so <c>new AdamParams()</c> is not all zeros).</summary>
    public AdamParams() : this(1e-3f, 0.9f, 0.999f, 1e-8f, 0f) { }
}
