namespace AgNas.Cli;

/// <summary>The process exit codes of every verb.</summary>
public static class ExitCodes
{
    /// <summary>The verb did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The verb ran but failed (checks failed, a file was bad, an unexpected exception).</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong: unknown verb or option, bad value, missing argument.</summary>
    public const int Usage = 2;
}

/// <summary>
/// A command line that parsed but makes no sense (bad device name, conflicting options). Program
/// prints the message and exits with <see cref="ExitCodes.Usage"/>.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
