using System.Text;
using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Helpers;

public static partial class StandardHelpers
{
    // bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3): the format must hold a NUL within
    // fmt_size; at most 3 arguments. The text goes to the run's trace output (the kernel's
    // trace_pipe); the result is its length.
    private static ulong TracePrintk(HelperContext c, ulong fmt, ulong size, ulong a1, ulong a2, ulong a3)
    {
        if (size == 0 || size > int.MaxValue)
            return Err(MapErrno.EINVAL);
        var format = c.GetSpan(fmt, (int)size, false);
        if (format.IndexOf((byte)0) < 0)
            return Err(MapErrno.EINVAL);
        var sb = new StringBuilder();
        int e = KernelFormat.Format(c, format, [a1, a2, a3], 3, sb);
        if (e != 0)
            return Result(e);
        var env = c.Environment;
        (env?.TraceOutput ?? c.Output)?.Write(sb.ToString());
        return (ulong)sb.Length;
    }

    // bpf_snprintf(str, str_size, fmt, data, data_len): data is an array of u64 arguments
    // (data_len a multiple of 8, at most 12 of them); the result is the length with the NUL, as
    // snprintf's + 1, even when str_size cut the text.
    private static ulong Snprintf(HelperContext c, ulong str, ulong size, ulong fmt, ulong data, ulong dataLength)
    {
        const int maxArgs = 12;
        if (dataLength % 8 != 0 || dataLength > maxArgs * 8 || size > int.MaxValue)
            return Err(MapErrno.EINVAL);
        Span<byte> format = stackalloc byte[1024];
        int n = ReadString(c, fmt, format.Length - 1, format);
        if (n < 0)
            return Err(MapErrno.EINVAL);
        var raw = dataLength == 0 ? [] : c.GetSpan(data, (int)dataLength, false);
        Span<ulong> args = stackalloc ulong[maxArgs];
        int count = (int)dataLength / 8;
        for (int i = 0; i < count; i++)
            args[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(raw[(i * 8)..]);
        var sb = new StringBuilder();
        int e = KernelFormat.Format(c, format[..n], args[..count], count, sb);
        if (e != 0)
            return Result(e);
        if (size > 0)
        {
            var target = c.GetSpan(str, (int)size, true);
            int copy = Math.Min(sb.Length, target.Length - 1);
            for (int i = 0; i < copy; i++)
                target[i] = (byte)sb[i];
            target[copy] = 0;
        }
        return (ulong)sb.Length + 1;
    }
}
