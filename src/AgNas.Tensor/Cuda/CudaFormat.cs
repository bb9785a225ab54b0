using System.Globalization;

namespace AgNas.Tensors.Cuda;

/// <summary>How versions and sizes of the CUDA stack are printed.</summary>
public static class CudaFormat
{
    /// <summary>cuDriverGetVersion's 1000·major + 10·minor: 12040 → "12.4".</summary>
    public static string DriverVersion(int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version / 1000}.{version % 1000 / 10}");

    /// <summary>CUBLAS_VERSION = 10000·major + 100·minor + patch: 120604 → "12.6.4".</summary>
    public static string CublasVersion(int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version / 10000}.{version % 10000 / 100}.{version % 100}");

    /// <summary>
    /// CUDNN_VERSION: 10000·major + 100·minor + patch from cuDNN 9 (90600 → "9.6.0"),
    /// 1000·major + 100·minor + patch before (8907 → "8.9.7").
    /// </summary>
    public static string CudnnVersion(long version) => version >= 90000
        ? string.Create(CultureInfo.InvariantCulture, $"{version / 10000}.{version % 10000 / 100}.{version % 100}")
        : string.Create(CultureInfo.InvariantCulture, $"{version / 1000}.{version % 1000 / 100}.{version % 100}");

    /// <summary>Bytes in binary units with one decimal: "139.8 GiB".</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        // 1023.95 and up print as the next unit's 1.0, never as "1024.0 MiB".
        while (Math.Abs(value) >= 1023.95 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
