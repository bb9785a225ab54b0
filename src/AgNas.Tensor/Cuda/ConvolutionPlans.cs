namespace AgNas.Tensors.Cuda;

/// <summary>
/// cuDNN convolutions by shape: for each (input, filter, output, strides, hyper-parameters) the
/// descriptors are made once and each direction's algorithm is found once (cudnnFind*, which
/// times the candidates on the device) and cached with its workspace size. The workspace is rented
/// from the device's caching allocator per call. Math is plain float32 FMA (no TF32), so results
/// stay within the CPU backend's tolerance.
/// </summary>
internal sealed class ConvolutionPlans : IDisposable
{
    /// <summary>Algorithms needing more workspace than this are passed over (cuDNN offers one without).</summary>
    private const long MaxWorkspaceBytes = 1L << 30;

    private readonly CudaDevice _device;
    private readonly Dictionary<Key, Plan> _plans = new();

    public ConvolutionPlans(CudaDevice device) => _device = device;

    /// <summary>Cached plans (for tests and `agnas devices`-style reports).</summary>
    public int Count => _plans.Count;

    private readonly record struct Key(int B, int I, int H, int W, int O, int KH, int KW, Conv2dParams P, long XStride, long YStride);

    private sealed class Plan
    {
        public required CudnnTensorDescriptorHandle X { get; init; }
        public required CudnnFilterDescriptorHandle W { get; init; }
        public required CudnnConvolutionDescriptorHandle Conv { get; init; }
        public required CudnnTensorDescriptorHandle Y { get; init; }
        public (CudnnConvolutionFwdAlgo Algo, long Bytes)? Forward;
        public (CudnnConvolutionBwdDataAlgo Algo, long Bytes)? BackwardData;
        public (CudnnConvolutionBwdFilterAlgo Algo, long Bytes)? BackwardFilter;
    }

    private Plan PlanFor(Conv2dGeometry g, Tensor x, Tensor y)
    {
        var key = new Key(g.B, g.I, g.H, g.W, g.O, g.KH, g.KW, g.P, x.BatchStride, y.BatchStride);
        if (_plans.TryGetValue(key, out var plan)) return plan;
        var xd = CudaDnn.TensorDescriptor(g.B, g.I, g.H, g.W, checked((int)x.BatchStride), g.InPlane, g.W, 1);
        var wd = CudaDnn.FilterDescriptor(g.O, g.InPerGroup, g.KH, g.KW);
        var cd = CudaDnn.ConvolutionDescriptor(g.P);
        var yd = CudaDnn.TensorDescriptor(g.B, g.O, g.Ho, g.Wo, checked((int)y.BatchStride), g.OutPlane, g.Wo, 1);
        plan = new Plan { X = xd, W = wd, Conv = cd, Y = yd };
        _plans.Add(key, plan);
        return plan;
    }

    public void Forward(Conv2dGeometry g, Tensor x, Tensor w, Tensor y)
    {
        var plan = PlanFor(g, x, y);
        var dnn = _device.Dnn;
        plan.Forward ??= Choose(dnn.FindForward(plan.X, plan.W, plan.Conv, plan.Y).Select(p => (p.Algo, p.Status, p.Memory)), "forward", g);
        var (algo, bytes) = plan.Forward.Value;
        using var ws = Workspace(bytes);
        dnn.Forward(1f, plan.X, x.Handle, plan.W, w.Handle, plan.Conv, algo, ws.Pointer, bytes, 0f, plan.Y, y.Handle);
    }

    public void BackwardData(Conv2dGeometry g, Tensor dx, Tensor w, Tensor dy)
    {
        var plan = PlanFor(g, dx, dy);
        var dnn = _device.Dnn;
        plan.BackwardData ??= Choose(dnn.FindBackwardData(plan.W, plan.Y, plan.Conv, plan.X).Select(p => (p.Algo, p.Status, p.Memory)), "backward-data", g);
        var (algo, bytes) = plan.BackwardData.Value;
        using var ws = Workspace(bytes);
        dnn.BackwardData(1f, plan.W, w.Handle, plan.Y, dy.Handle, plan.Conv, algo, ws.Pointer, bytes, 0f, plan.X, dx.Handle);
    }

    public void BackwardFilter(Conv2dGeometry g, Tensor x, Tensor dw, Tensor dy)
    {
        var plan = PlanFor(g, x, dy);
        var dnn = _device.Dnn;
        plan.BackwardFilter ??= Choose(dnn.FindBackwardFilter(plan.X, plan.Y, plan.Conv, plan.W).Select(p => (p.Algo, p.Status, p.Memory)), "backward-filter", g);
        var (algo, bytes) = plan.BackwardFilter.Value;
        using var ws = Workspace(bytes);
        dnn.BackwardFilter(1f, plan.X, x.Handle, plan.Y, dy.Handle, plan.Conv, algo, ws.Pointer, bytes, 0f, plan.W, dw.Handle);
    }

    /// <summary>Destroys every cached descriptor (the backend does, before its device goes).</summary>
    public void Dispose()
    {
        foreach (var plan in _plans.Values)
        {
            plan.X.Dispose();
            plan.W.Dispose();
            plan.Conv.Dispose();
            plan.Y.Dispose();
        }
        _plans.Clear();
    }

    /// <summary>cudnnFind* lists the algorithms fastest first; the first that ran and fits the workspace bound wins.</summary>
    private static (TAlgo, long) Choose<TAlgo>(IEnumerable<(TAlgo Algo, CudnnStatus Status, nuint Memory)> found, string direction, Conv2dGeometry g)
    {
        foreach (var (algo, status, memory) in found)
        {
            if (status == CudnnStatus.Success && (long)memory <= MaxWorkspaceBytes) return (algo, (long)memory);
        }
        throw new InvalidOperationException($"cuDNN offers no {direction} algorithm for the convolution " +
            $"x ({g.B}, {g.I}, {g.H}, {g.W}), w ({g.O}, {g.InPerGroup}, {g.KH}, {g.KW}), {g.P} within {MaxWorkspaceBytes >> 20} MiB of workspace.");
    }

    private DeviceScratch Workspace(long bytes) => new(_device.Memory.Caching, bytes);
}
