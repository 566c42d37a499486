namespace SharpBpf.Cli;

/// <summary>A failure to report on one line: exit code 1 (bad input, failed run) or 2 (usage).</summary>
internal sealed class CliError(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
