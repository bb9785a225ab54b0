namespace AgNas.Tensors;

/// <summary>
/// Element types: float32 for activations and weights, int32 for class labels and pool indices,
/// float64 for statistics accumulated over many batches (attention importance, Eq. 6).
/// </summary>
public enum DType
{
    Float32,
    Int32,
    Float64,
}

public static class DTypeExtensions
{
    public static int ByteSize(this DType dtype) => dtype == DType.Float64 ? 8 : 4;

    /// <summary>The safetensors / NumPy name of the type ("F32", "I32").</summary>
    public static string SafetensorsName(this DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Int32 => "I32",
        DType.Float64 => "F64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };
}
