namespace AgNas.Tensors.Cuda;

/// <summary>How many blocks of <see cref="CudaKernels.BlockSize"/> threads a launch gets (kernels/ABI.md: any grid ≥ 1 is correct).</summary>
public readonly record struct Grid(uint Blocks);

/// <summary>
/// The kernels of kernels/*.cu, loaded from the PTX embedded in this assembly, one method per
/// kernel whose parameters are the C parameters in order with their C widths (<c>long long</c> →
/// long, <c>int</c> → int, pointers → nint), so a call reads like the kernel's signature; every
/// launch is also checked against the PTX entry (<see cref="KernelArgs"/>). Grid sizes follow
/// kernels/ABI.md: <see cref="Elementwise"/> for one thread per element, <see cref="Units"/> for
/// one block per plane / channel / candidate.
/// </summary>
public sealed class CudaKernels
{
    /// <summary>Threads per block of every launch (kernels/ABI.md's recommendation).</summary>
    public const uint BlockSize = 256;

    private readonly Dictionary<string, CudaKernel> _kernels = new(StringComparer.Ordinal);
    private readonly uint _maxBlocks;

    /// <summary>Loads every embedded family on <paramref name="device"/>.</summary>
    /// <exception cref="InvalidOperationException">This build embedded no PTX (the kernels were not built).</exception>
    /// <exception cref="CudaModuleLoadException">The driver rejected a PTX; the exception carries the JIT log.</exception>
    public CudaKernels(CudaDevice device)
    {
        var images = PtxImage.Embedded;
        if (images.Count == 0)
            throw new InvalidOperationException("this build of AgNas.Tensor embeds no PTX: kernels/ was not built (run `dotnet build` with cmake and clang 14 installed; scripts/setup.sh installs them)");
        foreach (var image in images)
        {
            var module = device.LoadModule(image);
            foreach (var entry in image.Entries.Keys) _kernels[entry] = module.GetKernel(entry);
        }
        _maxBlocks = (uint)Math.Max(1L, (long)device.MultiprocessorCount * device.MaxThreadsPerMultiprocessor / BlockSize);
    }

    private readonly Dictionary<string, long> _launches = new(StringComparer.Ordinal);

    /// <summary>Launches per kernel since the backend was opened (what the conformance suite exercised).</summary>
    public IReadOnlyDictionary<string, long> LaunchCounts
    {
        get
        {
            lock (_launches) return new Dictionary<string, long>(_launches);
        }
    }

    /// <summary>The kernel names found in the PTX.</summary>
    public IEnumerable<string> Names => _kernels.Keys;

    /// <summary>One thread per element: ⌈work / block⌉ blocks, at most what the device keeps resident.</summary>
    public Grid Elementwise(long work) => new((uint)Math.Clamp((work + BlockSize - 1) / BlockSize, 1, _maxBlocks));

    /// <summary>One block per unit (plane, channel, candidate), at most what the device keeps resident.</summary>
    public Grid Units(long units) => new((uint)Math.Clamp(units, 1, _maxBlocks));

    /// <summary>One block (kernels that do all their work in a single block).</summary>
    public static Grid Single => new(1);

    private void Launch(string name, Grid grid, ref KernelArgs args)
    {
        if (!_kernels.TryGetValue(name, out var kernel))
            throw new InvalidOperationException($"kernel {name} is not in the embedded PTX (entries: {string.Join(", ", _kernels.Keys.Order())}).");
        kernel.Launch(new LaunchConfig(new Dim3(grid.Blocks), new Dim3(BlockSize)), ref args);
        lock (_launches) _launches[name] = _launches.GetValueOrDefault(name) + 1;
    }

    /// <summary><c>void attention_combine_f32(float* y, long long yStride, const float* x, long long xStride, const float* s, long long batch, int channels, long long plane, int groups)</c></summary>
    public void AttentionCombineF32(Grid grid, nint y, long yStride, nint x, long xStride, nint s, long batch, int channels, long plane, int groups)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.Ptr(s); args.I64(batch); args.I32(channels); args.I64(plane); args.I32(groups);
        Launch("attention_combine_f32", grid, ref args);
    }

    /// <summary><c>void attention_combine_backward_f32(float* dx, long long dxStride, float* ds, const float* dy, long long dyStride, const float* x, long long xStride, const float* s, long long batch, int channels, long long plane, int groups)</c></summary>
    public void AttentionCombineBackwardF32(Grid grid, nint dx, long dxStride, nint ds, nint dy, long dyStride, nint x, long xStride, nint s, long batch, int channels, long plane, int groups)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(ds); args.Ptr(dy); args.I64(dyStride); args.Ptr(x); args.I64(xStride); args.Ptr(s); args.I64(batch); args.I32(channels); args.I64(plane); args.I32(groups);
        Launch("attention_combine_backward_f32", grid, ref args);
    }

    /// <summary><c>void accumulate_importance_f64(double* importance, const float* s, long long batch, int channels, int groups)</c></summary>
    public void AccumulateImportanceF64(Grid grid, nint importance, nint s, long batch, int channels, int groups)
    {
        var args = new KernelArgs();
        args.Ptr(importance); args.Ptr(s); args.I64(batch); args.I32(channels); args.I32(groups);
        Launch("accumulate_importance_f64", grid, ref args);
    }

    /// <summary><c>void batchnorm_train_forward_f32(float* y, long long yStride, float* saveMean, float* saveInvStd, float* runningMean, float* runningVar, const float* x, long long xStride, const float* gamma, const float* beta, long long batch, int channels, long long plane, float momentum, float eps)</c></summary>
    public void BatchnormTrainForwardF32(Grid grid, nint y, long yStride, nint saveMean, nint saveInvStd, nint runningMean, nint runningVar, nint x, long xStride, nint gamma, nint beta, long batch, int channels, long plane, float momentum, float eps)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(saveMean); args.Ptr(saveInvStd); args.Ptr(runningMean); args.Ptr(runningVar); args.Ptr(x); args.I64(xStride); args.Ptr(gamma); args.Ptr(beta); args.I64(batch); args.I32(channels); args.I64(plane); args.F32(momentum); args.F32(eps);
        Launch("batchnorm_train_forward_f32", grid, ref args);
    }

    /// <summary><c>void batchnorm_eval_forward_f32(float* y, long long yStride, const float* x, long long xStride, const float* gamma, const float* beta, const float* mean, const float* var, long long batch, int channels, long long plane, float eps)</c></summary>
    public void BatchnormEvalForwardF32(Grid grid, nint y, long yStride, nint x, long xStride, nint gamma, nint beta, nint mean, nint @var, long batch, int channels, long plane, float eps)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.Ptr(gamma); args.Ptr(beta); args.Ptr(mean); args.Ptr(@var); args.I64(batch); args.I32(channels); args.I64(plane); args.F32(eps);
        Launch("batchnorm_eval_forward_f32", grid, ref args);
    }

    /// <summary><c>void batchnorm_train_backward_f32(float* dx, long long dxStride, float* dGamma, float* dBeta, const float* dy, long long dyStride, const float* x, long long xStride, const float* gamma, const float* saveMean, const float* saveInvStd, long long batch, int channels, long long plane)</c></summary>
    public void BatchnormTrainBackwardF32(Grid grid, nint dx, long dxStride, nint dGamma, nint dBeta, nint dy, long dyStride, nint x, long xStride, nint gamma, nint saveMean, nint saveInvStd, long batch, int channels, long plane)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(dGamma); args.Ptr(dBeta); args.Ptr(dy); args.I64(dyStride); args.Ptr(x); args.I64(xStride); args.Ptr(gamma); args.Ptr(saveMean); args.Ptr(saveInvStd); args.I64(batch); args.I32(channels); args.I64(plane);
        Launch("batchnorm_train_backward_f32", grid, ref args);
    }

    /// <summary><c>void batchnorm_eval_backward_f32(float* dx, long long dxStride, float* dGamma, float* dBeta, const float* dy, long long dyStride, const float* x, long long xStride, const float* gamma, const float* mean, const float* var, long long batch, int channels, long long plane, float eps)</c></summary>
    public void BatchnormEvalBackwardF32(Grid grid, nint dx, long dxStride, nint dGamma, nint dBeta, nint dy, long dyStride, nint x, long xStride, nint gamma, nint mean, nint @var, long batch, int channels, long plane, float eps)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(dGamma); args.Ptr(dBeta); args.Ptr(dy); args.I64(dyStride); args.Ptr(x); args.I64(xStride); args.Ptr(gamma); args.Ptr(mean); args.Ptr(@var); args.I64(batch); args.I32(channels); args.I64(plane); args.F32(eps);
        Launch("batchnorm_eval_backward_f32", grid, ref args);
    }

    /// <summary><c>void add_row_bias_f32(float* y, const float* bias, long long rows, long long cols)</c></summary>
    public void AddRowBiasF32(Grid grid, nint y, nint bias, long rows, long cols)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.Ptr(bias); args.I64(rows); args.I64(cols);
        Launch("add_row_bias_f32", grid, ref args);
    }

    /// <summary><c>void column_sum_f32(float* out, const float* x, long long rows, long long cols)</c></summary>
    public void ColumnSumF32(Grid grid, nint @out, nint x, long rows, long cols)
    {
        var args = new KernelArgs();
        args.Ptr(@out); args.Ptr(x); args.I64(rows); args.I64(cols);
        Launch("column_sum_f32", grid, ref args);
    }

    /// <summary><c>void add_channel_bias_f32(float* y, long long yStride, const float* bias, long long batch, int channels, long long plane)</c></summary>
    public void AddChannelBiasF32(Grid grid, nint y, long yStride, nint bias, long batch, int channels, long plane)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(bias); args.I64(batch); args.I32(channels); args.I64(plane);
        Launch("add_channel_bias_f32", grid, ref args);
    }

    /// <summary><c>void channel_sum_f32(float* out, const float* dy, long long dyStride, long long batch, int channels, long long plane)</c></summary>
    public void ChannelSumF32(Grid grid, nint @out, nint dy, long dyStride, long batch, int channels, long plane)
    {
        var args = new KernelArgs();
        args.Ptr(@out); args.Ptr(dy); args.I64(dyStride); args.I64(batch); args.I32(channels); args.I64(plane);
        Launch("channel_sum_f32", grid, ref args);
    }

    /// <summary><c>void add_f32(float* y, long long yStride, const float* a, long long aStride, const float* b, long long bStride, long long batch, long long sample)</c></summary>
    public void AddF32(Grid grid, nint y, long yStride, nint a, long aStride, nint b, long bStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(a); args.I64(aStride); args.Ptr(b); args.I64(bStride); args.I64(batch); args.I64(sample);
        Launch("add_f32", grid, ref args);
    }

    /// <summary><c>void axpy_f32(float* y, long long yStride, const float* x, long long xStride, long long batch, long long sample, float alpha)</c></summary>
    public void AxpyF32(Grid grid, nint y, long yStride, nint x, long xStride, long batch, long sample, float alpha)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample); args.F32(alpha);
        Launch("axpy_f32", grid, ref args);
    }

    /// <summary><c>void scale_f32(float* y, long long yStride, const float* x, long long xStride, long long batch, long long sample, float alpha)</c></summary>
    public void ScaleF32(Grid grid, nint y, long yStride, nint x, long xStride, long batch, long sample, float alpha)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample); args.F32(alpha);
        Launch("scale_f32", grid, ref args);
    }

    /// <summary><c>void mul_f32(float* y, long long yStride, const float* a, long long aStride, const float* b, long long bStride, long long batch, long long sample)</c></summary>
    public void MulF32(Grid grid, nint y, long yStride, nint a, long aStride, nint b, long bStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(a); args.I64(aStride); args.Ptr(b); args.I64(bStride); args.I64(batch); args.I64(sample);
        Launch("mul_f32", grid, ref args);
    }

    /// <summary><c>void relu_f32(float* y, long long yStride, const float* x, long long xStride, long long batch, long long sample)</c></summary>
    public void ReluF32(Grid grid, nint y, long yStride, nint x, long xStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample);
        Launch("relu_f32", grid, ref args);
    }

    /// <summary><c>void relu_backward_f32(float* dx, long long dxStride, const float* dy, long long dyStride, const float* x, long long xStride, long long batch, long long sample)</c></summary>
    public void ReluBackwardF32(Grid grid, nint dx, long dxStride, nint dy, long dyStride, nint x, long xStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(dy); args.I64(dyStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample);
        Launch("relu_backward_f32", grid, ref args);
    }

    /// <summary><c>void relu6_f32(float* y, long long yStride, const float* x, long long xStride, long long batch, long long sample)</c></summary>
    public void Relu6F32(Grid grid, nint y, long yStride, nint x, long xStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample);
        Launch("relu6_f32", grid, ref args);
    }

    /// <summary><c>void relu6_backward_f32(float* dx, long long dxStride, const float* dy, long long dyStride, const float* x, long long xStride, long long batch, long long sample)</c></summary>
    public void Relu6BackwardF32(Grid grid, nint dx, long dxStride, nint dy, long dyStride, nint x, long xStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(dy); args.I64(dyStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample);
        Launch("relu6_backward_f32", grid, ref args);
    }

    /// <summary><c>void sigmoid_f32(float* y, long long yStride, const float* x, long long xStride, long long batch, long long sample)</c></summary>
    public void SigmoidF32(Grid grid, nint y, long yStride, nint x, long xStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample);
        Launch("sigmoid_f32", grid, ref args);
    }

    /// <summary><c>void sigmoid_backward_f32(float* dx, long long dxStride, const float* dy, long long dyStride, const float* y, long long yStride, long long batch, long long sample)</c></summary>
    public void SigmoidBackwardF32(Grid grid, nint dx, long dxStride, nint dy, long dyStride, nint y, long yStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(dy); args.I64(dyStride); args.Ptr(y); args.I64(yStride); args.I64(batch); args.I64(sample);
        Launch("sigmoid_backward_f32", grid, ref args);
    }

    /// <summary><c>void channel_mul_f32(float* y, long long yStride, const float* x, long long xStride, const float* s, long long batch, int channels, long long plane)</c></summary>
    public void ChannelMulF32(Grid grid, nint y, long yStride, nint x, long xStride, nint s, long batch, int channels, long plane)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.Ptr(s); args.I64(batch); args.I32(channels); args.I64(plane);
        Launch("channel_mul_f32", grid, ref args);
    }

    /// <summary><c>void channel_mul_backward_f32(float* dx, long long dxStride, float* ds, const float* dy, long long dyStride, const float* x, long long xStride, const float* s, long long batch, int channels, long long plane)</c></summary>
    public void ChannelMulBackwardF32(Grid grid, nint dx, long dxStride, nint ds, nint dy, long dyStride, nint x, long xStride, nint s, long batch, int channels, long plane)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(ds); args.Ptr(dy); args.I64(dyStride); args.Ptr(x); args.I64(xStride); args.Ptr(s); args.I64(batch); args.I32(channels); args.I64(plane);
        Launch("channel_mul_backward_f32", grid, ref args);
    }

    /// <summary><c>void sample_mul_f32(float* y, long long yStride, const float* x, long long xStride, const float* m, long long batch, long long sample)</c></summary>
    public void SampleMulF32(Grid grid, nint y, long yStride, nint x, long xStride, nint m, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.Ptr(m); args.I64(batch); args.I64(sample);
        Launch("sample_mul_f32", grid, ref args);
    }

    /// <summary><c>void group_sum_f32(float* y, long long yStride, const float* x, long long xStride, long long batch, long long part, int groups)</c></summary>
    public void GroupSumF32(Grid grid, nint y, long yStride, nint x, long xStride, long batch, long part, int groups)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(part); args.I32(groups);
        Launch("group_sum_f32", grid, ref args);
    }

    /// <summary><c>void group_sum_backward_f32(float* dx, long long dxStride, const float* dy, long long dyStride, long long batch, long long part, int groups)</c></summary>
    public void GroupSumBackwardF32(Grid grid, nint dx, long dxStride, nint dy, long dyStride, long batch, long part, int groups)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(dy); args.I64(dyStride); args.I64(batch); args.I64(part); args.I32(groups);
        Launch("group_sum_backward_f32", grid, ref args);
    }

    /// <summary><c>void bernoulli_mask_f32(float* mask, long long n, float keep, float scale, unsigned long long seed)</c></summary>
    public void BernoulliMaskF32(Grid grid, nint mask, long n, float keep, float scale, ulong seed)
    {
        var args = new KernelArgs();
        args.Ptr(mask); args.I64(n); args.F32(keep); args.F32(scale); args.U64(seed);
        Launch("bernoulli_mask_f32", grid, ref args);
    }

    /// <summary><c>void softmax_xent_forward_f32(float* loss, float* probs, const float* logits, const int* labels, long long batch, int classes, float labelSmoothing)</c></summary>
    public void SoftmaxXentForwardF32(Grid grid, nint loss, nint probs, nint logits, nint labels, long batch, int classes, float labelSmoothing)
    {
        var args = new KernelArgs();
        args.Ptr(loss); args.Ptr(probs); args.Ptr(logits); args.Ptr(labels); args.I64(batch); args.I32(classes); args.F32(labelSmoothing);
        Launch("softmax_xent_forward_f32", grid, ref args);
    }

    /// <summary><c>void softmax_xent_backward_f32(float* dLogits, const float* dLoss, const float* probs, const int* labels, long long batch, int classes, float labelSmoothing)</c></summary>
    public void SoftmaxXentBackwardF32(Grid grid, nint dLogits, nint dLoss, nint probs, nint labels, long batch, int classes, float labelSmoothing)
    {
        var args = new KernelArgs();
        args.Ptr(dLogits); args.Ptr(dLoss); args.Ptr(probs); args.Ptr(labels); args.I64(batch); args.I32(classes); args.F32(labelSmoothing);
        Launch("softmax_xent_backward_f32", grid, ref args);
    }

    /// <summary><c>void fill_f32(float* y, long long yStride, long long batch, long long sample, float value)</c></summary>
    public void FillF32(Grid grid, nint y, long yStride, long batch, long sample, float value)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.I64(batch); args.I64(sample); args.F32(value);
        Launch("fill_f32", grid, ref args);
    }

    /// <summary><c>void fill_i32(int* y, long long yStride, long long batch, long long sample, int value)</c></summary>
    public void FillI32(Grid grid, nint y, long yStride, long batch, long sample, int value)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.I64(batch); args.I64(sample); args.I32(value);
        Launch("fill_i32", grid, ref args);
    }

    /// <summary><c>void fill_f64(double* y, long long n, double value)</c></summary>
    public void FillF64(Grid grid, nint y, long n, double value)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(n); args.F64(value);
        Launch("fill_f64", grid, ref args);
    }

    /// <summary><c>void copy_b32(unsigned int* dst, long long dstStride, const unsigned int* src, long long srcStride, long long batch, long long sample)</c></summary>
    public void CopyB32(Grid grid, nint dst, long dstStride, nint src, long srcStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(dst); args.I64(dstStride); args.Ptr(src); args.I64(srcStride); args.I64(batch); args.I64(sample);
        Launch("copy_b32", grid, ref args);
    }

    /// <summary><c>void copy_b64(unsigned long long* dst, long long dstStride, const unsigned long long* src, long long srcStride, long long batch, long long sample)</c></summary>
    public void CopyB64(Grid grid, nint dst, long dstStride, nint src, long srcStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(dst); args.I64(dstStride); args.Ptr(src); args.I64(srcStride); args.I64(batch); args.I64(sample);
        Launch("copy_b64", grid, ref args);
    }

    /// <summary><c>void sgd_step_multi_f32(float* const* params, const float* const* grads, float* const* buffers, const long long* sizes, const int* firstStep, int count, float lr, float momentum, float dampening, float weightDecay, int nesterov)</c></summary>
    public void SgdStepMultiF32(Grid grid, nint @params, nint grads, nint buffers, nint sizes, nint firstStep, int count, float lr, float momentum, float dampening, float weightDecay, int nesterov)
    {
        var args = new KernelArgs();
        args.Ptr(@params); args.Ptr(grads); args.Ptr(buffers); args.Ptr(sizes); args.Ptr(firstStep); args.I32(count); args.F32(lr); args.F32(momentum); args.F32(dampening); args.F32(weightDecay); args.I32(nesterov);
        Launch("sgd_step_multi_f32", grid, ref args);
    }

    /// <summary><c>void adam_step_f32(float* param, const float* grad, float* m, float* v, long long n, float beta1, float beta2, float eps, float weightDecay, float stepSize, float sqrtBiasCorrection2)</c></summary>
    public void AdamStepF32(Grid grid, nint param, nint grad, nint m, nint v, long n, float beta1, float beta2, float eps, float weightDecay, float stepSize, float sqrtBiasCorrection2)
    {
        var args = new KernelArgs();
        args.Ptr(param); args.Ptr(grad); args.Ptr(m); args.Ptr(v); args.I64(n); args.F32(beta1); args.F32(beta2); args.F32(eps); args.F32(weightDecay); args.F32(stepSize); args.F32(sqrtBiasCorrection2);
        Launch("adam_step_f32", grid, ref args);
    }

    /// <summary><c>void maxpool2d_forward_f32(float* y, long long yStride, int* argmax, long long argmaxStride, const float* x, long long xStride, long long batch, int channels, int height, int width, int outHeight, int outWidth, int kernel, int stride, int padding)</c></summary>
    public void Maxpool2dForwardF32(Grid grid, nint y, long yStride, nint argmax, long argmaxStride, nint x, long xStride, long batch, int channels, int height, int width, int outHeight, int outWidth, int kernel, int stride, int padding)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(argmax); args.I64(argmaxStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I32(channels); args.I32(height); args.I32(width); args.I32(outHeight); args.I32(outWidth); args.I32(kernel); args.I32(stride); args.I32(padding);
        Launch("maxpool2d_forward_f32", grid, ref args);
    }

    /// <summary><c>void maxpool2d_backward_f32(float* dx, long long dxStride, const float* dy, long long dyStride, const int* argmax, long long argmaxStride, int* badIndex, long long batch, int channels, long long inPlane, long long outPlane)</c></summary>
    public void Maxpool2dBackwardF32(Grid grid, nint dx, long dxStride, nint dy, long dyStride, nint argmax, long argmaxStride, nint badIndex, long batch, int channels, long inPlane, long outPlane)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(dy); args.I64(dyStride); args.Ptr(argmax); args.I64(argmaxStride); args.Ptr(badIndex); args.I64(batch); args.I32(channels); args.I64(inPlane); args.I64(outPlane);
        Launch("maxpool2d_backward_f32", grid, ref args);
    }

    /// <summary><c>void avgpool2d_forward_f32(float* y, long long yStride, const float* x, long long xStride, long long batch, int channels, int height, int width, int outHeight, int outWidth, int kernel, int stride, int padding, int countIncludePad)</c></summary>
    public void Avgpool2dForwardF32(Grid grid, nint y, long yStride, nint x, long xStride, long batch, int channels, int height, int width, int outHeight, int outWidth, int kernel, int stride, int padding, int countIncludePad)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I32(channels); args.I32(height); args.I32(width); args.I32(outHeight); args.I32(outWidth); args.I32(kernel); args.I32(stride); args.I32(padding); args.I32(countIncludePad);
        Launch("avgpool2d_forward_f32", grid, ref args);
    }

    /// <summary><c>void avgpool2d_backward_f32(float* dx, long long dxStride, const float* dy, long long dyStride, long long batch, int channels, int height, int width, int outHeight, int outWidth, int kernel, int stride, int padding, int countIncludePad)</c></summary>
    public void Avgpool2dBackwardF32(Grid grid, nint dx, long dxStride, nint dy, long dyStride, long batch, int channels, int height, int width, int outHeight, int outWidth, int kernel, int stride, int padding, int countIncludePad)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(dy); args.I64(dyStride); args.I64(batch); args.I32(channels); args.I32(height); args.I32(width); args.I32(outHeight); args.I32(outWidth); args.I32(kernel); args.I32(stride); args.I32(padding); args.I32(countIncludePad);
        Launch("avgpool2d_backward_f32", grid, ref args);
    }

    /// <summary><c>void global_avgpool_forward_f32(float* y, long long yStride, const float* x, long long xStride, long long batch, int channels, long long plane)</c></summary>
    public void GlobalAvgpoolForwardF32(Grid grid, nint y, long yStride, nint x, long xStride, long batch, int channels, long plane)
    {
        var args = new KernelArgs();
        args.Ptr(y); args.I64(yStride); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I32(channels); args.I64(plane);
        Launch("global_avgpool_forward_f32", grid, ref args);
    }

    /// <summary><c>void global_avgpool_backward_f32(float* dx, long long dxStride, const float* dy, long long dyStride, long long batch, int channels, long long plane)</c></summary>
    public void GlobalAvgpoolBackwardF32(Grid grid, nint dx, long dxStride, nint dy, long dyStride, long batch, int channels, long plane)
    {
        var args = new KernelArgs();
        args.Ptr(dx); args.I64(dxStride); args.Ptr(dy); args.I64(dyStride); args.I64(batch); args.I32(channels); args.I64(plane);
        Launch("global_avgpool_backward_f32", grid, ref args);
    }

    /// <summary><c>void sum_f64(double* out, const float* x, long long xStride, long long batch, long long sample)</c></summary>
    public void SumF64(Grid grid, nint @out, nint x, long xStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(@out); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample);
        Launch("sum_f64", grid, ref args);
    }

    /// <summary><c>void sum_squares_f64(double* out, const float* x, long long xStride, long long batch, long long sample)</c></summary>
    public void SumSquaresF64(Grid grid, nint @out, nint x, long xStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(@out); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample);
        Launch("sum_squares_f64", grid, ref args);
    }

    /// <summary><c>void nonfinite_flag_f32(int* flag, const float* x, long long xStride, long long batch, long long sample)</c></summary>
    public void NonfiniteFlagF32(Grid grid, nint flag, nint x, long xStride, long batch, long sample)
    {
        var args = new KernelArgs();
        args.Ptr(flag); args.Ptr(x); args.I64(xStride); args.I64(batch); args.I64(sample);
        Launch("nonfinite_flag_f32", grid, ref args);
    }
}
