using System.Runtime.InteropServices;

namespace AgNas.Tensors.Cpu;

/// <summary>
/// cblas_sgemm by P/Invoke. The library is resolved once: OpenBLAS first (Debian's
/// libopenblas0-pthread, which the set-up installs), then the system reference BLAS.
/// <see cref="LoadedLibrary"/> says which one was found. The assembly's one resolver
/// (<see cref="NativeLibraries"/>) asks <see cref="ResolveHandle"/> for it.
/// </summary>
internal static unsafe partial class Cblas
{
    public const string LibraryName = "agnas-cblas";

    /// <summary>Candidates in order of preference: OpenBLAS, then whatever provides libblas/libcblas.</summary>
    private static readonly string[] Candidates =
    [
        "libopenblas.so.0",
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "libopenblas.so",
        "libblas.so.3",
        "libcblas.so.3",
        "libblas.so",
        "libopenblas.dylib",
        "libblas.dylib",
    ];

    public const int RowMajor = 101;
    public const int NoTrans = 111;
    public const int Trans = 112;

    private static readonly Lazy<(IntPtr Handle, string? Path, string? Error)> Library = new(Load);

    static Cblas() => NativeLibraries.EnsureRegistered();

    /// <summary>The path or soname of the BLAS that was loaded, or null when none was found.</summary>
    public static string? LoadedLibrary => Library.Value.Path;

    /// <summary>Why no BLAS could be loaded (null when one was).</summary>
    public static string? LoadError => Library.Value.Error;

    /// <summary>The loaded BLAS for the resolver.</summary>
    /// <exception cref="DllNotFoundException">No CBLAS could be loaded; the message lists what was tried.</exception>
    internal static IntPtr ResolveHandle()
    {
        var lib = Library.Value;
        if (lib.Handle == IntPtr.Zero) throw new DllNotFoundException(lib.Error);
        return lib.Handle;
    }

    private static (IntPtr, string?, string?) Load()
    {
        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var h) && NativeLibrary.TryGetExport(h, "cblas_sgemm", out _))
                return (h, candidate, null);
        }
        return (IntPtr.Zero, null,
            "No CBLAS library with cblas_sgemm was found (tried " + string.Join(", ", Candidates) +
            "). Install one: apt-get install libopenblas0-pthread");
    }

    [LibraryImport(LibraryName, EntryPoint = "cblas_sgemm")]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    /// <summary>
    /// Row-major C(m,n) ← alpha·op(A)·op(B) + beta·C, op(A) (m,k), op(B) (k,n).
    /// </summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            // BLAS leaves C untouched only when beta == 1; make the k = 0 case explicit.
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                c[(long)i * ldc + j] = beta == 0 ? 0 : beta * c[(long)i * ldc + j];
            return;
        }
        cblas_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
