namespace AgNas.Tensors;

/// <summary>Element types: float32 for activations and weights, int32 for class labels and pool indices.</summary>
public enum DType
{
    Float32,
    Int32,
}

public static class DTypeExtensions
{
    public static int ByteSize(this DType dtype) => 4;

    /// <summary>The safetensors / NumPy name of the type ("F32", "I32").</summary>
    public static string SafetensorsName(this DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Int32 => "I32",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };
}
