using System.Globalization;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// /proc/kallsyms as bpftool loads it (xlated_dumper.c, kernel_syms_load): address and name of
/// every symbol with a non-zero address, sorted, searched by exact address; and the address of
/// __bpf_call_base, which helper calls in translated code are relative to. Empty when the kernel
/// hides addresses (kernel.kptr_restrict).
/// </summary>
public sealed class KernelSymbols
{
    private readonly ulong[] _addresses;
    private readonly string[] _names;

    private KernelSymbols(ulong[] addresses, string[] names, ulong callBase)
    {
        _addresses = addresses;
        _names = names;
        CallBase = callBase;
    }

    /// <summary>No symbols.</summary>
    public static KernelSymbols Empty { get; } = new([], [], 0);

    /// <summary>The address of __bpf_call_base (0 when unknown).</summary>
    public ulong CallBase { get; }

    /// <summary>Reads /proc/kallsyms (<see cref="Empty"/> when it cannot be read).</summary>
    public static KernelSymbols Load(string path = "/proc/kallsyms")
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Empty;
        }
        return Parse(lines);
    }

    /// <summary>Parses kallsyms lines: "ADDRESS TYPE NAME [MODULE]".</summary>
    public static KernelSymbols Parse(IEnumerable<string> lines)
    {
        var addresses = new List<ulong>();
        var names = new List<string>();
        ulong callBase = 0;
        foreach (var line in lines)
        {
            var parts = line.Split([' ', '\t'], 4, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || !ulong.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong address))
                break; // sscanf(buff, "%p %*c %s") != 2 ends the load
            if (address == 0)
                continue;
            if (parts[2] == "__bpf_call_base")
                callBase = address;
            addresses.Add(address);
            names.Add(parts[2]);
        }
        var a = addresses.ToArray();
        var n = names.ToArray();
        Array.Sort(a, n);
        return new KernelSymbols(a, n, callBase);
    }

    /// <summary>The name of the symbol at exactly <paramref name="address"/>, or null.</summary>
    public string? Find(ulong address)
    {
        int i = Array.BinarySearch(_addresses, address);
        return i >= 0 ? _names[i] : null;
    }
}
