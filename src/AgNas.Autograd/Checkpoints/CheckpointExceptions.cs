namespace AgNas.Autograd.Checkpoints;

/// <summary>
/// A checkpoint file that is not valid safetensors, or holds something AgNas cannot read (an
/// unsupported dtype, an int64 value outside the int32 range). The message names the file, the
/// tensor where there is one, and what was expected.
/// </summary>
public sealed class CheckpointFormatException : IOException
{
    public CheckpointFormatException(string path, string problem)
        : base($"Checkpoint '{path}': {problem}")
    {
        Path = path;
        Problem = problem;
    }

    public string Path { get; }

    /// <summary>The problem without the file name.</summary>
    public string Problem { get; }
}

/// <summary>
/// A valid checkpoint that does not fit the tensors it is loaded into. Lists every problem found
/// (missing and unexpected names, shape and dtype differences) at once, so one run shows all of
/// them. Nothing was copied when this is thrown.
/// </summary>
public sealed class CheckpointMismatchException : Exception
{
    public CheckpointMismatchException(string path, IReadOnlyList<string> problems)
        : base(Format(path, problems))
    {
        Path = path;
        Problems = problems;
    }

    public string Path { get; }
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string path, IReadOnlyList<string> problems) =>
        $"Checkpoint '{path}' does not match the tensors it is loaded into ({problems.Count} " +
        $"problem{(problems.Count == 1 ? "" : "s")}; nothing was loaded):" +
        string.Concat(problems.Select(p => Environment.NewLine + "  - " + p));
}
