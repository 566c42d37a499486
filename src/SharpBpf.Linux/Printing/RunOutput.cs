using System.Globalization;

namespace SharpBpf.Linux.Printing;

/// <summary>What <c>bpftool prog run</c> prints (prog.c, do_run).</summary>
public static class RunOutput
{
    /// <summary>hex_print: "OFFSET\tHEX PAIRS | ASCII" rows of 16 bytes, for data_out/ctx_out to "-".</summary>
    public static void WriteHex(TextWriter w, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(w);
        for (int i = 0; i < data.Length; i += 16)
        {
            w.Write(i.ToString("x7", CultureInfo.InvariantCulture));
            w.Write('\t');
            int j;
            for (j = i; j < i + 16 && j < data.Length; j++)
                w.Write(data[j].ToString("x2", CultureInfo.InvariantCulture) + (j % 2 != 0 ? " " : ""));
            for (; j < i + 16; j++)
                w.Write(j % 2 != 0 ? "   " : "  ");
            w.Write("| ");
            for (j = i; j < i + 16 && j < data.Length; j++)
            {
                char c = (sbyte)data[j] < ' ' || data[j] > '~' ? '.' : (char)data[j];
                w.Write(c);
                if (j == i + 7)
                    w.Write(' ');
            }
            w.Write('\n');
        }
    }

    /// <summary>print_data_json: the bytes as an array of decimal numbers.</summary>
    public static void WriteJsonBytes(BpftoolJsonWriter j, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(j);
        j.StartArray();
        foreach (byte b in data)
            j.Raw(b.ToString(CultureInfo.InvariantCulture));
        j.EndArray();
    }

    /// <summary>"Return value: N, duration (average): Nns" (" (average)" when repeated).</summary>
    public static string Summary(uint returnValue, uint durationNanoseconds, uint repeat) =>
        $"Return value: {returnValue}, duration{(repeat > 1 ? " (average)" : "")}: {durationNanoseconds}ns";
}
