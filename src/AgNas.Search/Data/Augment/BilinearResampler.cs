using System.Numerics.Tensors;

namespace AgNas.Search.Data;

/// <summary>
/// Bilinear resampling of a box of a CHW float image, as torchvision's
/// <c>F.resize(img, size, InterpolationMode.BILINEAR, antialias=True)</c> computes it for float
/// tensors (and PIL's <c>Image.resize(size, BILINEAR, box)</c>, which AGNAS's ImageFolder pipeline
/// uses, on 8-bit pixels). Along each axis, with scale s = in / out, output pixel i is centred at
/// (i + 0.5)·s in input coordinates, and input pixel j weighs tri((j + 0.5 − centre) / max(s, 1)),
/// tri(x) = max(0, 1 − |x|), over the pixels inside the box; the weights are normalised to sum 1.
/// <para><b>Upscaling</b> (s ≤ 1) is thereby exactly bilinear interpolation with
/// align_corners=False and clamped edges: <c>antialias=False</c> gives the same values.
/// <b>Downscaling</b> widens the triangle to s input pixels, so every input pixel contributes
/// (PIL's and antialias=True's behaviour); antialias=False, which only reads the two nearest
/// pixels, is not reproduced.</para>
/// <para>The axes are two passes (one is skipped when its size does not change); the pass whose
/// intermediate is smaller goes first, so the intermediate never exceeds
/// max(C·boxH·boxW, C·outH·outW) floats. No clamping: with non-negative weights the output stays in
/// the input's range. Float32 sums, float32 weights computed in double.</para>
/// </summary>
public static class BilinearResampler
{
    /// <summary>
    /// Resamples <paramref name="box"/> of the C×H×W <paramref name="source"/> into the
    /// C×outHeight×outWidth <paramref name="destination"/>. <paramref name="temp"/> is working space
    /// of at least max(C·box.Height·box.Width, C·outHeight·outWidth) floats, overwritten.
    /// </summary>
    /// <exception cref="ArgumentException">The box does not fit the image, a size is not positive, or a span is too short.</exception>
    public static void Resize(ReadOnlySpan<float> source, int channels, int height, int width, CropBox box,
        Span<float> destination, int outHeight, int outWidth, Span<float> temp)
    {
        if (channels <= 0 || outHeight <= 0 || outWidth <= 0)
            throw new ArgumentException($"BilinearResampler: {channels} channels to {outHeight}x{outWidth}; all must be positive.");
        if (source.Length < channels * height * width)
            throw new ArgumentException($"BilinearResampler: {source.Length} source floats for a {channels}x{height}x{width} image.");
        if (!box.FitsIn(height, width))
            throw new ArgumentException($"BilinearResampler: box {box} does not lie inside the {height}x{width} image.");
        if (destination.Length != channels * outHeight * outWidth)
            throw new ArgumentException($"BilinearResampler: {destination.Length} destination floats for {channels}x{outHeight}x{outWidth}.");

        int plane = height * width, origin = box.Top * width + box.Left;
        bool resizeX = box.Width != outWidth, resizeY = box.Height != outHeight;
        if (!resizeX && !resizeY)
        {
            for (int c = 0; c < channels; c++)
            for (int y = 0; y < outHeight; y++)
                source.Slice(origin + c * plane + y * width, outWidth).CopyTo(destination.Slice((c * outHeight + y) * outWidth, outWidth));
            return;
        }
        if (!resizeY)
        {
            Horizontal(source, channels, box.Height, plane, width, origin, AxisTaps.Compute(box.Width, outWidth), destination, outWidth);
            return;
        }
        if (!resizeX)
        {
            Vertical(source, channels, plane, width, origin, box.Width, AxisTaps.Compute(box.Height, outHeight), destination, outHeight);
            return;
        }

        long xFirst = (long)channels * box.Height * outWidth, yFirst = (long)channels * outHeight * box.Width;
        long need = Math.Min(xFirst, yFirst);
        if (temp.Length < need)
            throw new ArgumentException($"BilinearResampler: temp of {temp.Length} floats; resizing {box.Height}x{box.Width} to {outHeight}x{outWidth} needs {need}.");
        var tapsX = AxisTaps.Compute(box.Width, outWidth);
        var tapsY = AxisTaps.Compute(box.Height, outHeight);
        if (xFirst <= yFirst)
        {
            var mid = temp[..(int)xFirst];     // C × box.Height × outWidth
            Horizontal(source, channels, box.Height, plane, width, origin, tapsX, mid, outWidth);
            Vertical(mid, channels, box.Height * outWidth, outWidth, 0, outWidth, tapsY, destination, outHeight);
        }
        else
        {
            var mid = temp[..(int)yFirst];     // C × outHeight × box.Width
            Vertical(source, channels, plane, width, origin, box.Width, tapsY, mid, outHeight);
            Horizontal(mid, channels, outHeight, outHeight * box.Width, box.Width, 0, tapsX, destination, outWidth);
        }
    }

    /// <summary>Resamples rows: dst[c, r, x] = Σ_k w[x, k] · src[offset + c·planeStride + r·rowStride + first[x] + k]; dst is C×rows×outWidth.</summary>
    private static void Horizontal(ReadOnlySpan<float> src, int channels, int rows, int planeStride, int rowStride, int offset,
        AxisTaps taps, Span<float> dst, int outWidth)
    {
        for (int c = 0; c < channels; c++)
        for (int r = 0; r < rows; r++)
        {
            var row = src[(offset + c * planeStride + r * rowStride)..];
            var outRow = dst.Slice((c * rows + r) * outWidth, outWidth);
            for (int x = 0; x < outWidth; x++)
            {
                var w = taps.WeightsOf(x);
                var input = row.Slice(taps.First[x], w.Length);
                float sum = 0f;
                for (int k = 0; k < w.Length; k++) sum += w[k] * input[k];
                outRow[x] = sum;
            }
        }
    }

    /// <summary>Resamples columns: dst[c, y, x] = Σ_k w[y, k] · src[offset + c·planeStride + (first[y] + k)·rowStride + x]; dst is C×outRows×cols.</summary>
    private static void Vertical(ReadOnlySpan<float> src, int channels, int planeStride, int rowStride, int offset, int cols,
        AxisTaps taps, Span<float> dst, int outRows)
    {
        for (int c = 0; c < channels; c++)
        for (int y = 0; y < outRows; y++)
        {
            var outRow = dst.Slice((c * outRows + y) * cols, cols);
            outRow.Clear();
            var w = taps.WeightsOf(y);
            for (int k = 0; k < w.Length; k++)
            {
                var input = src.Slice(offset + c * planeStride + (taps.First[y] + k) * rowStride, cols);
                TensorPrimitives.MultiplyAdd(input, w[k], outRow, outRow);
            }
        }
    }
}
