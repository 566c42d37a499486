namespace SharpBpf.Linux;

/// <summary>The names of maps and programs as the kernel takes them (map_name, prog_name: char[BPF_OBJ_NAME_LEN]).</summary>
internal static class ObjectName
{
    /// <summary>BPF_OBJ_NAME_LEN: 16 bytes with the NUL.</summary>
    public const int Length = 16;

    /// <summary>
    /// The name the kernel will accept, as libbpf makes it: characters other than letters, digits,
    /// '_' and '.' become '_' (kernel/bpf/syscall.c, bpf_obj_name_cpy; '.' only since 5.2), cut to 15 bytes.
    /// </summary>
    public static string Sanitize(string name)
    {
        bool dots = LinuxKernel.Version >= new Version(5, 2);
        var chars = new char[Math.Min(name.Length, Length - 1)];
        for (int i = 0; i < chars.Length; i++)
        {
            char c = name[i];
            chars[i] = char.IsAsciiLetterOrDigit(c) || c == '_' || (c == '.' && dots) ? c : '_';
        }
        return new string(chars);
    }

    /// <summary>Writes a sanitized (ASCII, at most 15 bytes) name into a zeroed fixed array, which keeps its NUL.</summary>
    public static unsafe void Write(byte* field, string name)
    {
        for (int i = 0; i < name.Length; i++)
            field[i] = (byte)name[i];
    }
}
