namespace SharpBpf.Core;

/// <summary>
/// The C library's number reading as the tools SharpBpf mirrors use it: bpftool reads ids and bytes with
/// strtoul, bpftrace reads rates and limits with C++'s stoull.
/// </summary>
public static class CLibrary
{
    /// <summary>
    /// Reads <paramref name="text"/> as strtoull does for <paramref name="numberBase"/> 0, 8, 10 or 16: leading C
    /// spaces, a sign (<c>-</c> negates, wrapping), a <c>0x</c> prefix for base 0 or 16 (when a hex digit follows),
    /// a leading <c>0</c> making base 0 octal, then the digits up to the first other character, whose index is
    /// <paramref name="end"/>. False when there is no digit. <paramref name="overflow"/> says the digits went past
    /// 64 bits (strtoull's ERANGE); <paramref name="value"/> then holds them wrapped.
    /// </summary>
    public static bool TryStrtoull(ReadOnlySpan<char> text, int numberBase, out ulong value, out int end, out bool overflow)
    {
        value = 0;
        end = 0;
        overflow = false;
        int i = 0;
        while (i < text.Length && text[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
            i++;
        bool negative = false;
        if (i < text.Length && text[i] is '+' or '-')
            negative = text[i++] == '-';
        if (numberBase is 0 or 16 && i + 2 < text.Length && text[i] == '0' && text[i + 1] is 'x' or 'X' && char.IsAsciiHexDigit(text[i + 2]))
        {
            numberBase = 16;
            i += 2;
        }
        else if (numberBase == 0)
        {
            numberBase = i < text.Length && text[i] == '0' ? 8 : 10;
        }
        int start = i;
        ulong result = 0;
        for (; i < text.Length; i++)
        {
            int digit = char.IsAsciiDigit(text[i]) ? text[i] - '0' : char.IsAsciiLetter(text[i]) ? (text[i] | 0x20) - 'a' + 10 : 99;
            if (digit >= numberBase)
                break;
            if (result > (ulong.MaxValue - (ulong)digit) / (ulong)numberBase)
                overflow = true;
            result = unchecked(result * (ulong)numberBase + (ulong)digit);
        }
        if (i == start)
            return false;
        value = negative ? unchecked(0 - result) : result;
        end = i;
        return true;
    }
}
