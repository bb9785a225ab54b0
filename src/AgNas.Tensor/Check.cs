namespace AgNas.Tensors;

/// <summary>Argument checks shared by the backends; every message names the op and the operands' shapes.</summary>
public static class Check
{
    public static void SameShape(string op, Tensor a, Tensor b, string aName = "a", string bName = "b")
    {
        if (a.Shape != b.Shape)
            throw new ArgumentException($"{op}: {aName} has shape {a.Shape} but {bName} has shape {b.Shape}; expected equal shapes.");
    }

    public static void Shape(string op, Tensor t, Shape expected, string name)
    {
        if (t.Shape != expected)
            throw new ArgumentException($"{op}: {name} has shape {t.Shape}; expected {expected}.");
    }

    public static void Rank(string op, Tensor t, int rank, string name)
    {
        if (t.Rank != rank)
            throw new ArgumentException($"{op}: {name} has shape {t.Shape} (rank {t.Rank}); expected rank {rank}{(rank == 4 ? " (B, C, H, W)" : "")}.");
    }

    public static void DType(string op, Tensor t, DType dtype, string name)
    {
        if (t.DType != dtype)
            throw new ArgumentException($"{op}: {name} of shape {t.Shape} has dtype {t.DType}; expected {dtype}.");
    }

    public static void Backend(string op, IBackend backend, Tensor t, string name)
    {
        if (!ReferenceEquals(t.Backend, backend))
            throw new ArgumentException($"{op}: {name} of shape {t.Shape} is on {t.Device} ({t.Backend.GetType().Name}); expected {backend.Device}.");
    }

    public static void Contiguous(string op, Tensor t, string name)
    {
        if (!t.IsContiguous)
            throw new ArgumentException($"{op}: {name} of shape {t.Shape} is a strided channel view; expected a contiguous tensor.");
    }

    /// <summary>Checks backend and float32 dtype of every non-null operand.</summary>
    public static void Operands(string op, IBackend backend, params (Tensor? T, string Name)[] operands)
    {
        foreach (var (t, name) in operands)
        {
            if (t is null) continue;
            Backend(op, backend, t, name);
            DType(op, t, Tensors.DType.Float32, name);
        }
    }
}
