using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>
/// A failed bpf(2) call or kernel operation: the errno, the command, and a short context chain,
/// outermost first, as cilium/ebpf words its errors:
/// <c>load program 'xdp_prog': map 'counts': BPF_MAP_CREATE: Invalid argument (EINVAL)</c>.
/// Layers add their context with <see cref="WithContext"/>, which keeps the exception's type.
/// </summary>
public class BpfException : Exception
{
    private readonly string[] _context;

    /// <summary>An error with a message and no errno.</summary>
    public BpfException(string message)
        : this(message, null, Errno.None, [], null)
    {
    }

    /// <summary>An error with a message, no errno, and the exception that caused it.</summary>
    public BpfException(string message, Exception? innerException)
        : this(message, null, Errno.None, [], innerException)
    {
    }

    /// <summary>The error of a failed system call besides bpf(2): "mmap ringbuf consumer page: Operation not permitted (EPERM)".</summary>
    public BpfException(string operation, Errno errno)
        : this(operation + ": " + Describe(errno), null, errno, [], null)
    {
    }

    /// <summary>The error of a failed command: "BPF_MAP_CREATE: Invalid argument (EINVAL)".</summary>
    public BpfException(BpfCommand command, Errno errno)
        : this(BpfCommandNames.Of(command) + ": " + Describe(errno), command, errno, [], null)
    {
    }

    /// <summary>The full constructor, for derived exceptions and <see cref="WithContext"/>.</summary>
    protected BpfException(string detail, BpfCommand? command, Errno errno, string[] context, Exception? innerException)
        : base(Compose(context, detail), innerException)
    {
        Detail = detail;
        Command = command;
        Errno = errno;
        _context = context;
    }

    /// <summary>The errno the kernel returned (<see cref="Errno.None"/> when the error is not an errno).</summary>
    public Errno Errno { get; }

    /// <summary>The bpf(2) command that failed, if one did.</summary>
    public BpfCommand? Command { get; }

    /// <summary>What was being done, outermost first ("load program 'xdp_prog'", "map 'counts'").</summary>
    public IReadOnlyList<string> Context => _context;

    /// <summary>The innermost message, without the context.</summary>
    public string Detail { get; }

    /// <summary>The same error with <paramref name="context"/> in front of the chain; this exception becomes its inner exception.</summary>
    public BpfException WithContext(string context) => Rewrap([context, .. _context]);

    /// <summary>Creates a copy of this exception, of the same type, with another context chain.</summary>
    protected virtual BpfException Rewrap(string[] context) => new(Detail, Command, Errno, context, this);

    /// <summary>"Invalid argument (EINVAL)": libc's text of an errno and its name.</summary>
    public static string Describe(Errno errno)
    {
        // ENOTSUPP is kernel-internal: libc has no text for it.
        string text = errno == Errno.ENOTSUPP ? "Operation not supported" : Marshal.GetPInvokeErrorMessage((int)errno);
        string name = Enum.IsDefined(errno) ? errno.ToString() : "errno " + ((int)errno).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return text + " (" + name + ")";
    }

    private static string Compose(string[] context, string detail) =>
        context.Length == 0 ? detail : string.Join(": ", context) + ": " + detail;
}
