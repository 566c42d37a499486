using SharpBpf.Core;

namespace SharpBpf.Trace.Probes;

/// <summary>
/// bpftrace 0.17's reading of an unsigned number in an attach point (interval and profile rates): its
/// int_parser. Digit separators (<c>_</c>) are dropped; C++'s stoull with base 0 reads the rest (leading
/// spaces, a sign, <c>0x</c> hex, <c>0</c> octal, decimal; <c>-1</c> wraps); a trailing <c>e</c>/<c>E</c>
/// and a number scale it by a power of ten (<c>1e3</c>, <c>1E+2</c>), and anything else left is an error.
/// The errors are bpftrace's texts.
/// </summary>
public static class BpftraceInt
{
    /// <summary>Reads <paramref name="text"/>; false with bpftrace's message in <paramref name="error"/> when it cannot.</summary>
    public static bool TryParseUInt(string text, out ulong value, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        value = 0;
        error = null;
        string n = text.Replace("_", "", StringComparison.Ordinal);
        if (!Stoull(n, 0, out ulong coefficient, out int end))
        {
            error = "stoull";
            return false;
        }
        if (end == n.Length)
        {
            value = coefficient;
            return true;
        }
        if (n[end] is not ('e' or 'E'))
        {
            error = "Found trailing non-numeric characters";
            return false;
        }
        string exponentText = n[(end + 1)..];
        if (!TryParseUInt(exponentText, out ulong exponent, out string? inner))
        {
            error = $"Exponent part of scientific literal is not a valid number: {exponentText}: {inner}";
            return false;
        }
        if (exponent > 18)
        {
            error = $"Exponent will overflow integer range: {exponentText}";
            return false;
        }
        ulong scale = 1;
        for (ulong i = 0; i < exponent; i++)
            scale *= 10;
        value = unchecked(coefficient * scale);
        return true;
    }

    /// <summary>
    /// C++'s <c>std::stoull(s, &amp;end, radix)</c> for radix 10 or 0 (0: <c>0x</c> hex, <c>0</c> octal, else
    /// decimal): strtoull (<see cref="CLibrary.TryStrtoull"/>), and false where stoull throws: no digits, or a
    /// value too large.
    /// </summary>
    public static bool Stoull(string s, int radix, out ulong value, out int end) =>
        CLibrary.TryStrtoull(s, radix, out value, out end, out bool overflow) && !overflow;
}
