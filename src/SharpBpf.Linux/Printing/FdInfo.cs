using System.Globalization;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// Fields of /proc/self/fdinfo/FD for a BPF object's fd (bpftool's get_fdinfo): memlock, frozen,
/// owner_prog_type, owner_jited, ... as the kernel's bpf_map_show_fdinfo / bpf_prog_show_fdinfo write them.
/// </summary>
public static class FdInfo
{
    /// <summary>The value after "<paramref name="key"/>:" (tabs trimmed), or null when the kernel does not print it.</summary>
    public static string? Read(BpfFileDescriptor fd, string key)
    {
        ArgumentNullException.ThrowIfNull(fd);
        string path = "/proc/self/fdinfo/" + fd.Value.ToString(CultureInfo.InvariantCulture);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return null;
        }
        foreach (var line in lines)
        {
            // get_fdinfo: the first line containing the key (strstr), the value after its first tab.
            if (!line.Contains(key, StringComparison.Ordinal))
                continue;
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            return tab < 0 || tab + 1 == line.Length ? null : line[(tab + 1)..];
        }
        return null;
    }

    /// <summary>C's atoi over a field: the leading decimal number, 0 when there is none.</summary>
    internal static long Atoi(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return 0;
        int end = 0;
        if (end < text.Length && (text[end] == '-' || text[end] == '+'))
            end++;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
            end++;
        return long.TryParse(text.AsSpan(0, end), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : 0;
    }
}
