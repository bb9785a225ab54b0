using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Autograd.Checkpoints;

/// <summary>A module's state dict (parameters and buffers, PyTorch names and order) to and from a safetensors file.</summary>
public static class ModuleCheckpoint
{
    /// <summary>Writes <paramref name="module"/>'s state dict to <paramref name="path"/> (atomically: the old file survives a failed save).</summary>
    public static void SaveSafetensors(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        Safetensors.Save(path, module.StateDict().Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Value)).ToList(), metadata);

    /// <summary>
    /// Copies the tensors of <paramref name="path"/> into <paramref name="module"/>'s parameters and
    /// buffers and returns the file's metadata.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">Names, shapes or dtypes differ; every problem is listed and nothing is copied.</exception>
    /// <exception cref="CheckpointFormatException">The file is not valid safetensors.</exception>
    public static IReadOnlyDictionary<string, string> LoadSafetensors(this Module module, string path)
    {
        var metadata = Safetensors.LoadInto(path, module.StateDict().Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Value)).ToList());
        module.NotifyStateLoaded();
        return metadata;
    }
}
