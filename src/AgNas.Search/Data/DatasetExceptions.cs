namespace AgNas.Search.Data;

/// <summary>
/// A data file exists but its content is not what the format promises: wrong magic number,
/// truncated file, inconsistent counts, a record size that does not divide the file length, or a
/// label outside the class range. The message names the file, the field or byte offset, what was
/// found and what was expected.
/// </summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner)
    {
        FilePath = path;
    }

    /// <summary>The file whose content is wrong.</summary>
    public string FilePath { get; }
}

/// <summary>
/// A data file or folder is missing. The message names every path looked at and says how to get
/// the data (an apt package or the download page, and the option that points AgNas at it).
/// </summary>
public sealed class DatasetNotFoundException : Exception
{
    public DatasetNotFoundException(string path, string message)
        : base(message)
    {
        Path = path;
    }

    /// <summary>The (first) path that was looked at.</summary>
    public string Path { get; }
}
