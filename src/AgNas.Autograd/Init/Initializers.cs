using System.Runtime.InteropServices;
using AgNas.Tensors;

namespace AgNas.Autograd.Init;

/// <summary>Which fan a Kaiming initialisation scales by (PyTorch's mode='fan_in' / 'fan_out').</summary>
public enum FanMode
{
    FanIn,
    FanOut,
}

/// <summary>
/// PyTorch's initialisations (torch.nn.init), filling float32 tensors in place. Values are drawn on
/// the host from a <see cref="Generator"/> in row-major order and copied to the tensor's backend,
/// so a seed gives the same weights on every backend.
/// <para>Layer defaults, as torch.nn: Conv2d and Linear weights <see cref="KaimingUniform"/> with
/// a = √5, which gives the bound 1/√fan_in; their biases uniform in ±1/√fan_in
/// (<see cref="DefaultBiasBound"/>); BatchNorm weight 1, bias 0, running mean 0, running var 1.</para>
/// </summary>
public static class Initializers
{
    /// <summary>The a of PyTorch's default Conv2d/Linear weight initialisation (kaiming_uniform_(a=√5)).</summary>
    public static readonly double DefaultLeakySlope = Math.Sqrt(5);

    /// <summary>
    /// fan_in and fan_out of a weight as torch.nn.init._calculate_fan_in_and_fan_out: for (O, I, k...)
    /// fan_in = I·∏k and fan_out = O·∏k. A conv weight (O, I/groups, kH, kW) thus has fan_in
    /// (I/groups)·kH·kW and fan_out O·kH·kW.
    /// </summary>
    /// <exception cref="ArgumentException">Rank below 2.</exception>
    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        if (shape.Rank < 2)
            throw new ArgumentException($"Fans: shape {shape} has rank {shape.Rank}; fan in and fan out need rank >= 2 (O, I, ...).", nameof(shape));
        long receptive = 1;
        for (int i = 2; i < shape.Rank; i++) receptive *= shape[i];
        return (checked((int)(shape[1] * receptive)), checked((int)(shape[0] * receptive)));
    }

    /// <summary>torch.nn.init.calculate_gain for 'leaky_relu' with negative slope a: √(2/(1 + a²)); a = 0 is ReLU's √2.</summary>
    public static double LeakyReluGain(double a) => Math.Sqrt(2.0 / (1 + a * a));

    /// <summary>The bound of kaiming_uniform_: gain·√(3/fan). For a = √5 this is 1/√fan.</summary>
    public static double KaimingUniformBound(int fan, double a) => LeakyReluGain(a) * Math.Sqrt(3.0 / CheckFan(fan));

    /// <summary>The standard deviation of kaiming_normal_: gain/√fan. For a = 0 (ReLU) this is √(2/fan).</summary>
    public static double KaimingNormalStd(int fan, double a) => LeakyReluGain(a) / Math.Sqrt(CheckFan(fan));

    /// <summary>The bound of PyTorch's default Conv2d/Linear bias: 1/√fan_in (0 when fan_in is 0).</summary>
    public static double DefaultBiasBound(int fanIn) => fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0.0;

    /// <summary>
    /// kaiming_uniform_: U(−bound, bound) with bound = gain(a)·√(3/fan). With the defaults (a = √5,
    /// fan_in) this is PyTorch's Conv2d/Linear weight initialisation, bound = 1/√fan_in.
    /// </summary>
    public static void KaimingUniform(Tensor t, Generator generator, double? a = null, FanMode mode = FanMode.FanIn)
    {
        double bound = KaimingUniformBound(Fan(t.Shape, mode), a ?? DefaultLeakySlope);
        Uniform(t, -bound, bound, generator);
    }

    /// <summary>
    /// kaiming_normal_: N(0, gain(a)/√fan). With the defaults (a = 0, i.e. ReLU, fan_out) a conv
    /// weight gets N(0, √(2/(kH·kW·O))), the ProxylessNAS initialisation ('he_fout').
    /// </summary>
    public static void KaimingNormal(Tensor t, Generator generator, double a = 0, FanMode mode = FanMode.FanOut)
    {
        double std = KaimingNormalStd(Fan(t.Shape, mode), a);
        Normal(t, 0, std, generator);
    }

    /// <summary>U(low, high) for every element (torch.nn.init.uniform_).</summary>
    /// <exception cref="ArgumentException">high &lt; low, or the tensor is not float32.</exception>
    public static void Uniform(Tensor t, double low, double high, Generator generator)
    {
        if (!(high >= low)) throw new ArgumentException($"Uniform: high = {high} is below low = {low}.");
        var data = Host(t, nameof(Uniform));
        for (int i = 0; i < data.Length; i++) data[i] = (float)generator.Uniform(low, high);
        Upload(t, data);
    }

    /// <summary>N(mean, std) for every element (torch.nn.init.normal_).</summary>
    /// <exception cref="ArgumentException">std &lt; 0, or the tensor is not float32.</exception>
    public static void Normal(Tensor t, double mean, double std, Generator generator)
    {
        if (!(std >= 0)) throw new ArgumentException($"Normal: std = {std}; expected >= 0.");
        var data = Host(t, nameof(Normal));
        for (int i = 0; i < data.Length; i++) data[i] = (float)generator.Normal(mean, std);
        Upload(t, data);
    }

    /// <summary>Every element ← value (torch.nn.init.constant_).</summary>
    public static void Constant(Tensor t, float value) => t.Backend.Fill(t, value);

    public static void Zeros(Tensor t) => Constant(t, 0f);

    public static void Ones(Tensor t) => Constant(t, 1f);

    private static int Fan(Shape shape, FanMode mode)
    {
        var (fanIn, fanOut) = Fans(shape);
        return mode == FanMode.FanIn ? fanIn : fanOut;
    }

    private static int CheckFan(int fan)
    {
        if (fan <= 0) throw new ArgumentException($"Kaiming initialisation: fan = {fan}; a tensor with zero elements has no fan.");
        return fan;
    }

    private static float[] Host(Tensor t, string op)
    {
        if (t.DType != DType.Float32) throw new ArgumentException($"{op}: tensor of shape {t.Shape} has dtype {t.DType}; expected Float32.");
        return new float[t.Size];
    }

    private static void Upload(Tensor t, float[] data) => t.Backend.CopyFromHost(t, MemoryMarshal.AsBytes(data.AsSpan()));
}
