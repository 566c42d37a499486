using System.Globalization;
using System.Text;

namespace SharpBpf.Trace.Output;

/// <summary>How bpftrace 0.17 prints stacks and unresolved addresses.</summary>
public static class SymbolFormat
{
    /// <summary>The stack indent of values, printf and print (kstack, ustack in bpftrace mode).</summary>
    public const int StackIndent = 8;

    /// <summary>The stack indent inside map keys (<c>@[kstack] = count()</c>).</summary>
    public const int KeyStackIndent = 4;

    /// <summary>A <c>void*</c> as C++ streams print it: <c>0x7f12...</c>, or <c>0</c> for null.</summary>
    public static string Pointer(ulong address) =>
        address == 0 ? "0" : "0x" + address.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>
    /// A stack as bpftrace's get_stack prints it: a newline, then one frame per line. In bpftrace mode each
    /// frame is <paramref name="indent"/> spaces and <c>symbol+offset</c>; in perf mode a tab, the hex
    /// address, a space and the symbol. Frames stop at the first zero address.
    /// </summary>
    public static string Stack(IEnumerable<(ulong Address, string Symbol)> frames, bool perfMode = false, int indent = StackIndent)
    {
        var sb = new StringBuilder("\n");
        string pad = new(' ', indent);
        foreach (var (address, symbol) in frames)
        {
            if (address == 0)
                break;
            if (perfMode)
                sb.Append('\t').Append(address.ToString("x", CultureInfo.InvariantCulture)).Append(' ').Append(symbol).Append('\n');
            else
                sb.Append(pad).Append(symbol).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// usym()/ustack frame text (bpftrace's resolve_usym): <c>symbol</c>, with <c>+offset</c> for stack
    /// frames, and in perf mode <c>(module)</c>; an unresolved address prints in hex.
    /// </summary>
    public static string User(ulong address, string? symbol, ulong offset, bool showOffset, string? module = null, bool perfMode = false)
    {
        var sb = new StringBuilder();
        if (symbol is not null)
        {
            sb.Append(symbol);
            if (showOffset)
                sb.Append('+').Append(offset.ToString(CultureInfo.InvariantCulture));
            if (perfMode && module is not null)
                sb.Append(" (").Append(module).Append(')');
        }
        else
        {
            sb.Append(Pointer(address));
            if (perfMode)
                sb.Append(" (").Append(module ?? "[unknown]").Append(')'); // bpftrace's resolve_usym
        }
        return sb.ToString();
    }
}
