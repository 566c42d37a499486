using System.Buffers.Binary;
using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Helpers;

public static partial class StandardHelpers
{
    // bpf_probe_read(_kernel/_user)(dst, size, unsafe_ptr): in user space "kernel" and "user"
    // memory are both what the program can address; anything else (host memory cannot even be
    // named) fails with -EFAULT and a zeroed destination, as the kernel's nofault copy does.
    private static ulong ProbeRead(HelperContext c, ulong dst, ulong size, ulong src, ulong r4, ulong r5)
    {
        if (size > int.MaxValue)
            return Err(MapErrno.EFAULT);
        var target = c.GetSpan(dst, (int)size, true);
        if (!c.Memory.TryGetSpan(src, (int)size, false, out var from))
        {
            target.Clear();
            return Err(MapErrno.EFAULT);
        }
        from.CopyTo(target);
        return 0;
    }

    // bpf_probe_read_str: copies up to size - 1 bytes and a NUL; returns the length with the NUL.
    private static ulong ProbeReadString(HelperContext c, ulong dst, ulong size, ulong src, ulong r4, ulong r5)
    {
        if (size == 0)
            return 0;
        if (size > int.MaxValue)
            return Err(MapErrno.EFAULT);
        var target = c.GetSpan(dst, (int)size, true);
        int n = ReadString(c, src, (int)size - 1, target);
        if (n < 0)
        {
            target[0] = 0;
            return Err(MapErrno.EFAULT);
        }
        target[n] = 0;
        return (ulong)(n + 1);
    }

    /// <summary>Copies a NUL-terminated string of at most <paramref name="max"/> bytes from program memory; its length, or -1 when memory ends first.</summary>
    internal static int ReadString(HelperContext c, ulong src, int max, Span<byte> into)
    {
        // The bytes left in src's region bound the scan.
        for (int n = 0; ; n++)
        {
            if (n == max)
                return n;
            if (!c.Memory.TryGetSpan(src + (ulong)n, 1, false, out var b))
                return -1;
            if (b[0] == 0)
                return n;
            into[n] = b[0];
        }
    }

    // bpf_strtol/strtoul(buf, buf_len, flags, res) (kernel/bpf/helpers.c, __bpf_strtoull):
    // flags is the base (0, 8, 10 or 16); leading spaces, a sign (strtol), and for base 0/16 a
    // 0x prefix are accepted; returns the characters consumed, -EINVAL without digits, -ERANGE on overflow.
    private static ulong StringToNumber(HelperContext c, ulong buf, ulong length, ulong flags, ulong result, bool signed)
    {
        if ((flags & ~0x1FUL) != 0 || flags is not (0 or 8 or 10 or 16) || length == 0 || length > int.MaxValue)
            return Err(MapErrno.EINVAL);
        var text = c.GetSpan(buf, (int)length, false);
        var res = c.GetSpan(result, 8, true);
        int i = 0;
        while (i < text.Length && text[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
            i++;
        bool negative = false;
        if (signed && i < text.Length && text[i] == '-')
        {
            negative = true;
            i++;
        }
        uint radix = (uint)flags;
        if ((radix is 0 or 16) && i + 1 < text.Length && text[i] == '0' && (text[i + 1] | 0x20) == 'x' && i + 2 < text.Length && Digit(text[i + 2]) < 16)
        {
            radix = 16;
            i += 2;
        }
        else if (radix == 0)
        {
            radix = i < text.Length && text[i] == '0' ? 8u : 10u;
        }
        int start = i;
        ulong value = 0;
        bool overflow = false;
        for (; i < text.Length && text[i] != 0; i++)
        {
            uint d = Digit(text[i]);
            if (d >= radix)
                break;
            if (value > (ulong.MaxValue - d) / radix)
                overflow = true;
            value = unchecked(value * radix + d);
        }
        if (i == start)
            return Err(MapErrno.EINVAL);
        if (overflow)
            return Err(MapErrno.ERANGE);
        long signedValue;
        if (signed)
        {
            if (negative ? value > 1UL << 63 : value > long.MaxValue)
                return Err(MapErrno.ERANGE);
            signedValue = negative ? unchecked(-(long)value) : (long)value;
        }
        else
        {
            signedValue = (long)value;
        }
        BinaryPrimitives.WriteInt64LittleEndian(res, signedValue);
        return (ulong)i;
    }

    private static uint Digit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => (uint)(b - '0'),
        >= (byte)'a' and <= (byte)'z' => (uint)(b - 'a' + 10),
        >= (byte)'A' and <= (byte)'Z' => (uint)(b - 'A' + 10),
        _ => 99,
    };

    // bpf_strncmp(s1, s1_sz, s2): strncmp(s1, s2, s1_sz), with s2 a NUL-terminated constant.
    private static ulong Strncmp(HelperContext c, ulong s1, ulong size, ulong s2, ulong r4, ulong r5)
    {
        if (size > int.MaxValue)
            return Err(MapErrno.EINVAL);
        var a = c.GetSpan(s1, (int)size, false);
        for (int i = 0; i < a.Length; i++)
        {
            if (!c.Memory.TryGetSpan(s2 + (ulong)i, 1, false, out var b))
                throw Fault(c, $"bpf_strncmp: string at {c.Memory.Describe(s2)} is not NUL-terminated");
            if (a[i] != b[0])
                return a[i] < b[0] ? ulong.MaxValue : 1;
            if (a[i] == 0)
                return 0;
        }
        return 0;
    }
}
