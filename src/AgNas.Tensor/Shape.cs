using System.Collections;

namespace AgNas.Tensors;

/// <summary>
/// Immutable tensor shape. Image tensors use NCHW: dims (B, C, H, W). A rank-0 shape is a scalar
/// with <see cref="Size"/> 1.
/// </summary>
public readonly struct Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[]? _dims;

    /// <exception cref="ArgumentException">A dimension is negative, or the number of elements does not fit in 64 bits.</exception>
    public Shape(params int[] dims)
    {
        long size = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new ArgumentException($"Shape {Format(dims)}: dimension {d} is negative; every dimension must be >= 0.", nameof(dims));
            if (d != 0 && size > long.MaxValue / d)
            {
                if (Array.IndexOf(dims, 0) >= 0) { size = 0; break; } // a zero dimension makes the product 0 whatever the others
                throw new ArgumentException($"Shape {Format(dims)}: the product of the dimensions exceeds {long.MaxValue} elements; one of them is far too large.", nameof(dims));
            }
            size *= d;
        }
        _dims = (int[])dims.Clone();
    }

    public static Shape Scalar => new(Array.Empty<int>());

    public int Rank => _dims?.Length ?? 0;
    public int Count => Rank;
    public int this[int axis] => axis < 0 ? Dims[Rank + axis] : Dims[axis];

    private int[] Dims => _dims ?? Array.Empty<int>();

    /// <summary>Number of elements (product of the dims; 1 for a scalar).</summary>
    public long Size
    {
        get
        {
            long s = 1;
            foreach (var d in Dims) s *= d;
            return s;
        }
    }

    /// <summary>Elements per sample: the product of all dims after the first (1 for rank &lt;= 1).</summary>
    public long SampleSize
    {
        get
        {
            long s = 1;
            for (int i = 1; i < Rank; i++) s *= Dims[i];
            return s;
        }
    }

    public int N => Dims[0];
    public int C => Dims[1];
    public int H => Dims[2];
    public int W => Dims[3];

    public int[] ToArray() => (int[])Dims.Clone();

    public Shape WithDim(int axis, int value)
    {
        var d = ToArray();
        d[axis] = value;
        return new Shape(d);
    }

    public bool Equals(Shape other) => Dims.AsSpan().SequenceEqual(other.Dims);
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);
    public static implicit operator Shape(int[] dims) => new(dims);

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Format(Dims);
    private static string Format(int[] dims) => "(" + string.Join(", ", dims) + ")";
}
