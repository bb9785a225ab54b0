using AgNas.Autograd.Optim;
using AgNas.Tests;
using static AgNas.Autograd.Tests.TestUtil;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;

namespace AgNas.Autograd.Tests;

/// <summary>Gradient clipping, run on every backend (instantiate with the backend under test).</summary>
public abstract class GradClipTests(IBackend backend)
{
    private Parameter Param(params float[] values) => TestUtil.Param(backend, values);

    [Fact]
    public void ClipGradNormScalesTheGlobalNorm()
    {
        // Grads 3 and 4 in two parameters: global norm 5. Max 1 → factor 1/(5 + 1e-6):
        // 3/(5 + 1e-6) = 0.59999988, 4/(5 + 1e-6) = 0.79999984 (within 2e-7 of 0.6, 0.8).
        var a = Param(0f);
        var b = Param(0f);
        var none = Param(0f); // no gradient: skipped
        SetGrad(a, 3f);
        SetGrad(b, 4f);
        double norm = GradClip.ClipGradNorm([a, b, none], maxNorm: 1);
        Assert.Equal(5.0, norm, 12);
        Approx.Equal([0.6f], a.Grad!.ToArray(), atol: 1e-6, rtol: 0);
        Approx.Equal([0.8f], b.Grad!.ToArray(), atol: 1e-6, rtol: 0);
        Approx.Equal([(float)(3 / (5 + 1e-6))], a.Grad!.ToArray(), atol: 1e-7, rtol: 0);
        Assert.Null(none.Grad);
    }

    [Fact]
    public void ClipGradNormLeavesSmallGradientsAlone()
    {
        var p = Param(0f, 0f);
        SetGrad(p, 3f, 4f);
        double norm = GradClip.ClipGradNorm([p], maxNorm: 5.5);
        Assert.Equal(5.0, norm, 12);
        Assert.Equal([3f, 4f], p.Grad!.ToArray());
    }

    [Fact]
    public void ClipGradNormNonFinite()
    {
        var p = Param(0f, 0f);
        SetGrad(p, float.NaN, 1f);
        Assert.Throws<InvalidOperationException>(() => GradClip.ClipGradNorm([p], 1, errorIfNonFinite: true));
        Assert.True(double.IsNaN(GradClip.ClipGradNorm([p], 1)));
        Assert.All(p.Grad!.ToArray(), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void ClipGradValueClampsEachElement()
    {
        var p = Param(0f, 0f, 0f, 0f, 0f);
        SetGrad(p, -7f, 0.5f, 7f, 1e-8f, -5f);
        GradClip.ClipGradValue([p, Param(0f)], 5f);
        Assert.Equal([-5f, 0.5f, 5f, 1e-8f, -5f], p.Grad!.ToArray());
    }
}

public sealed class CpuGradClipTests() : GradClipTests(CpuBackend.Instance);
