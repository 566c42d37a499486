using System.Globalization;
using System.Text;
using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Helpers;

/// <summary>
/// The printf dialect of bpf_trace_printk and bpf_snprintf (kernel/bpf/helpers.c,
/// bpf_bprintf_prepare): <c>%d %i %u %x %X</c> with <c>l</c>/<c>ll</c> for 64 bits (without, the
/// argument is used as 32 bits), <c>%c</c>, <c>%s</c> (a string in program memory), <c>%p</c>,
/// <c>%px</c>, <c>%pK</c>, <c>%pI4</c>/<c>%pi4</c> and <c>%%</c>; flags <c>0 + - space</c> and a width.
/// Anything else, more arguments than allowed, or a character that is neither printable nor
/// space makes the call fail with -EINVAL, as in the kernel.
/// </summary>
internal static class KernelFormat
{
    private const int MaxStringArgument = 1024;

    /// <summary>Formats; 0 or -EINVAL.</summary>
    public static int Format(HelperContext c, ReadOnlySpan<byte> fmt, ReadOnlySpan<ulong> args, int maxArgs, StringBuilder sb)
    {
        int used = 0;
        for (int i = 0; i < fmt.Length; i++)
        {
            byte ch = fmt[i];
            if (ch == 0)
                break;
            if (ch is < 0x20 and not ((byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r') or >= 0x7F)
                return -MapErrno.EINVAL;
            if (ch != '%')
            {
                sb.Append((char)ch);
                continue;
            }
            if (++i >= fmt.Length || fmt[i] == 0)
                return -MapErrno.EINVAL;
            if (fmt[i] == '%')
            {
                sb.Append('%');
                continue;
            }
            if (used >= maxArgs || used >= args.Length)
                return -MapErrno.EINVAL;
            bool left = false, zero = false, plus = false, space = false;
            for (; i < fmt.Length && fmt[i] is (byte)'0' or (byte)'+' or (byte)'-' or (byte)' '; i++)
            {
                left |= fmt[i] == '-';
                zero |= fmt[i] == '0';
                plus |= fmt[i] == '+';
                space |= fmt[i] == ' ';
            }
            int width = 0;
            for (; i < fmt.Length && fmt[i] is >= (byte)'0' and <= (byte)'9'; i++)
                width = Math.Min(width * 10 + (fmt[i] - '0'), 1000);
            if (i >= fmt.Length)
                return -MapErrno.EINVAL;
            ulong arg = args[used++];
            string text;
            switch ((char)fmt[i])
            {
                case 'c':
                    text = ((char)(byte)arg).ToString();
                    break;
                case 's':
                {
                    Span<byte> buffer = stackalloc byte[MaxStringArgument];
                    int n = StandardHelpers.ReadString(c, arg, MaxStringArgument - 1, buffer);
                    text = n < 0 ? "" : Encoding.Latin1.GetString(buffer[..n]);
                    break;
                }
                case 'p':
                {
                    char next = i + 1 < fmt.Length ? (char)fmt[i + 1] : '\0';
                    if (next is 'I' or 'i' && i + 2 < fmt.Length && fmt[i + 2] == '4')
                    {
                        i += 2;
                        if (!c.Memory.TryGetSpan(arg, 4, false, out var ip))
                            return -MapErrno.EINVAL;
                        text = next == 'I' ? $"{ip[0]}.{ip[1]}.{ip[2]}.{ip[3]}" : $"{ip[0]:000}.{ip[1]:000}.{ip[2]:000}.{ip[3]:000}";
                        break;
                    }
                    if (next is 'x' or 'K')
                        i++;
                    text = "0x" + arg.ToString("x", CultureInfo.InvariantCulture);
                    break;
                }
                default:
                {
                    int longs = 0;
                    for (; i < fmt.Length && fmt[i] == 'l' && longs < 2; i++)
                        longs++;
                    if (i >= fmt.Length)
                        return -MapErrno.EINVAL;
                    bool wide = longs > 0;
                    char conv = (char)fmt[i];
                    string? digits = conv switch
                    {
                        'd' or 'i' => wide ? ((long)arg).ToString(CultureInfo.InvariantCulture) : ((int)arg).ToString(CultureInfo.InvariantCulture),
                        'u' => wide ? arg.ToString(CultureInfo.InvariantCulture) : ((uint)arg).ToString(CultureInfo.InvariantCulture),
                        'x' => wide ? arg.ToString("x", CultureInfo.InvariantCulture) : ((uint)arg).ToString("x", CultureInfo.InvariantCulture),
                        'X' => wide ? arg.ToString("X", CultureInfo.InvariantCulture) : ((uint)arg).ToString("X", CultureInfo.InvariantCulture),
                        _ => null,
                    };
                    if (digits is null)
                        return -MapErrno.EINVAL;
                    if (conv is 'd' or 'i' && !digits.StartsWith('-') && (plus || space))
                        digits = (plus ? "+" : " ") + digits;
                    text = digits;
                    if (zero && !left && text.Length < width)
                    {
                        int sign = text.Length > 0 && text[0] is '-' or '+' or ' ' ? 1 : 0;
                        text = text[..sign] + new string('0', width - text.Length) + text[sign..];
                    }
                    break;
                }
            }
            if (text.Length < width)
                text = left ? text.PadRight(width) : text.PadLeft(width);
            sb.Append(text);
        }
        return 0;
    }
}
