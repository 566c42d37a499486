using System.Globalization;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// The kernel's verifier rejected a program (or its BTF verifier rejected BTF): carries the whole
/// log, the failing instruction index parsed from it, and the verifier's reason line.
/// </summary>
public class BpfVerifierException : BpfException
{
    /// <summary>A rejection with its log.</summary>
    public BpfVerifierException(string log, BpfCommand command, Errno errno)
        : this(Parse(log, command, errno, out int? index, out string? reason), log, index, reason, command, errno, [], null)
    {
    }

    private BpfVerifierException(string detail, string log, int? index, string? reason, BpfCommand? command, Errno errno,
        string[] context, Exception? innerException)
        : base(detail, command, errno, context, innerException)
    {
        Log = log;
        InstructionIndex = index;
        Reason = reason;
    }

    /// <summary>The verifier's log, as the kernel wrote it.</summary>
    public string Log { get; }

    /// <summary>The index of the instruction the verifier stopped at, or null when the log names none.</summary>
    public int? InstructionIndex { get; }

    /// <summary>The verifier's error line ("R0 !read_ok"), or null when the log is empty.</summary>
    public string? Reason { get; }

    /// <inheritdoc/>
    protected override BpfException Rewrap(string[] context) =>
        new BpfVerifierException(Detail, Log, InstructionIndex, Reason, Command, Errno, context, this);

    private static string Parse(string log, BpfCommand command, Errno errno, out int? index, out string? reason)
    {
        (index, reason) = VerifierLog.FindError(log);
        string what = command == BpfCommand.BtfLoad ? "the BTF verifier rejected the BTF" : "the verifier rejected the program";
        string at = index is { } pc ? " at insn " + pc.ToString(CultureInfo.InvariantCulture) : "";
        return reason is null ? $"{what}{at}: {Describe(errno)}" : $"{what}{at}: {reason} ({errno})";
    }
}
