using System.Globalization;

namespace SharpBpf.Trace.Output;

/// <summary>
/// One printf argument as the event delivers it: an integer (bpftrace keeps every integer in 64 bits
/// and lets the conversion's length pick the bits printed), text (strings, and symbols, stacks,
/// usernames, ntop already resolved) or buffer bytes (<c>%r</c>, <c>%rx</c>).
/// </summary>
public readonly record struct PrintfArgument
{
    private PrintfArgument(long integer, string? text, byte[]? buffer)
    {
        Integer = integer;
        Text = text;
        Buffer = buffer;
    }

    /// <summary>The integer (its 64 bits; unsigned values as their two's complement).</summary>
    public long Integer { get; }

    /// <summary>The text, for string-like arguments.</summary>
    public string? Text { get; }

    /// <summary>The bytes, for buf() arguments.</summary>
    public byte[]? Buffer { get; }

    /// <summary>An integer argument.</summary>
    public static PrintfArgument Int(long value) => new(value, null, null);

    /// <summary>A string argument (strings, ksym, usym, kstack, username, ntop, probe, strftime).</summary>
    public static PrintfArgument Str(string value) => new(0, value, null);

    /// <summary>A buf() argument.</summary>
    public static PrintfArgument Buf(byte[] value) => new(0, null, value);

    /// <inheritdoc/>
    public override string ToString() => Text ?? (Buffer is { } b ? TraceValueFormatter.Buffer(b) : Integer.ToString(CultureInfo.InvariantCulture));
}
