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
/// A valid checkpoint that does not fit the tensors it is loaded into. <see cref="Problems"/> lists every
/// problem found (missing and unexpected names, shape and dtype differences) at once; the message shows
/// the first <see cref="ShownProblems"/> and counts the rest, so that a checkpoint of another network
/// (hundreds of names) does not make a message of tens of thousands of characters. Nothing was copied
/// when this is thrown.
/// </summary>
public sealed class CheckpointMismatchException : Exception
{
    /// <summary>Problems the message lists; the rest are counted.</summary>
    public const int ShownProblems = 10;

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
        string.Concat(problems.Take(ShownProblems).Select(p => Environment.NewLine + "  - " + p)) +
        (problems.Count > ShownProblems ? $"{Environment.NewLine}  ... and {problems.Count - ShownProblems} more (the exception's Problems lists them all)" : "");
}
