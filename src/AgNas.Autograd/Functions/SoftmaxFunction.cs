using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// y (R, N) = softmax of each row of x (R, N): y_ij = exp(x_ij) / Σ_k exp(x_ik). Saves y; backward:
/// dx = y ⊙ (dy − (Σ_j y_j·dy_j) 1), row by row. DARTS mixes an edge's candidates with softmax(α)
/// (Liu et al. 2019, Eq. 2).
/// <para>The backend contract has no standalone softmax kernel. The cross-entropy forward already
/// computes the row softmax (max-subtracted, accumulated in double on the CPU) into its probs
/// output, so the forward runs that kernel with all-zero labels and discards the loss; adding a
/// softmax kernel would add a CUDA kernel and its checks for rows that are, here, a handful of
/// logits. The backward is built from contract kernels: Mul, and two GEMMs against a vector of
/// ones for the row sums and for broadcasting them back.</para>
/// </summary>
internal sealed class SoftmaxFunction : Function
{
    private const string Op = "Softmax";

    private readonly Tensor _y;

    private SoftmaxFunction(Tensor y) => _y = y;

    public static Var Apply(Var x)
    {
        Check.Rank(Op, x.Data, 2, "x");
        if (x.Shape[0] < 1 || x.Shape[1] < 1)
            throw new ArgumentException($"{Op}: x has shape {x.Shape}; expected (R, N) with at least one row and one column.");
        var backend = x.Backend;
        var xs = x.Data.IsContiguous ? x.Data : x.Data.Clone();
        var y = Tensor.Empty(xs.Shape, backend);
        using (var labels = Tensor.Zeros(new Shape(xs.Shape[0]), backend, DType.Int32))
        using (var loss = Tensor.Empty(Shape.Scalar, backend))
            backend.SoftmaxCrossEntropyForward(loss, y, xs, labels, 0f);
        return Record(y, () => new SoftmaxFunction(y), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var backend = _y.Backend;
        if (!dy.IsContiguous) dy = dy.Clone();
        int rows = _y.Shape[0], n = _y.Shape[1];
        var dx = Tensor.Empty(_y.Shape, backend);
        backend.Mul(dx, _y, dy);
        using var onesRow = Tensor.Full(new Shape(1, n), 1f, backend);
        using var onesColumn = Tensor.Full(new Shape(n, 1), 1f, backend);
        using var dot = Tensor.Empty(new Shape(rows, 1), backend);
        backend.LinearForward(dot, dx, onesRow, null);
        using var spread = Tensor.Empty(_y.Shape, backend);
        backend.LinearForward(spread, dot, onesColumn, null);
        using var correction = Tensor.Empty(_y.Shape, backend);
        backend.Mul(correction, spread, _y);
        backend.Axpy(dx, -1f, correction);
        return [dx];
    }
}
