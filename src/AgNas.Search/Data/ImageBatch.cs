using AgNas.Tensors;

namespace AgNas.Search.Data;

/// <summary>
/// One batch from a <see cref="DataLoader"/>: images (B, C, H, W) float32 and labels (B) int32 on
/// the loader's backend. The tensors belong to no <see cref="Tensors.Memory.TensorScope"/>: the
/// consumer owns them and releases both by disposing the batch.
/// </summary>
public sealed class ImageBatch : IDisposable
{
    internal ImageBatch(Tensor images, Tensor labels, int[] indices, int epoch, int number)
    {
        Images = images;
        Labels = labels;
        Indices = indices;
        Epoch = epoch;
        Number = number;
    }

    /// <summary>(B, C, H, W) float32, augmented and normalised; (C, H, W) = <see cref="DataLoader.ImageShape"/>.</summary>
    public Tensor Images { get; }

    /// <summary>(B) int32 class indices.</summary>
    public Tensor Labels { get; }

    /// <summary>The dataset index of each image, in batch order.</summary>
    public IReadOnlyList<int> Indices { get; }

    public int Epoch { get; }

    /// <summary>Position of the batch in its epoch, from 0.</summary>
    public int Number { get; }

    /// <summary>B, the number of images.</summary>
    public int Count => Indices.Count;

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }

    public override string ToString() => $"batch {Number} of epoch {Epoch}: {Images.Shape}";
}
