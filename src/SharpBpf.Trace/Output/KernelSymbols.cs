using System.Globalization;

namespace SharpBpf.Trace.Output;

/// <summary>
/// The kernel's symbols from /proc/kallsyms, for ksym() and kstack: an address resolves to the
/// nearest symbol at or below it, as bcc's symbol cache (which bpftrace uses) resolves it.
/// </summary>
public sealed class KernelSymbols
{
    private readonly ulong[] _addresses;
    private readonly string[] _names;

    private KernelSymbols(ulong[] addresses, string[] names)
    {
        _addresses = addresses;
        _names = names;
    }

    /// <summary>How many symbols.</summary>
    public int Count => _names.Length;

    /// <summary>Reads /proc/kallsyms (no symbols when it cannot be read; zeroed addresses, as without CAP_SYSLOG, are skipped).</summary>
    public static KernelSymbols Load(string path = "/proc/kallsyms")
    {
        try
        {
            return Parse(File.ReadLines(path));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return new KernelSymbols([], []);
    }

    /// <summary>Parses kallsyms lines: <c>ADDRESS TYPE NAME [MODULE]</c>.</summary>
    public static KernelSymbols Parse(IEnumerable<string> lines)
    {
        var list = new List<(ulong Address, string Name)>();
        foreach (var line in lines)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3 || !ulong.TryParse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var addr) || addr == 0)
                continue;
            var name = f[2];
            int tab = name.IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0)
                name = name[..tab];
            list.Add((addr, name));
        }
        // Stable by address so the first-listed of two aliases at one address wins, as in kallsyms order.
        var sorted = list.Select((s, i) => (s.Address, s.Name, i)).OrderBy(s => s.Address).ThenBy(s => s.i).ToArray();
        return new KernelSymbols(sorted.Select(s => s.Address).ToArray(), sorted.Select(s => s.Name).ToArray());
    }

    /// <summary>The symbol containing <paramref name="address"/> and the offset into it, or false below the first symbol.</summary>
    public bool TryResolve(ulong address, out string name, out ulong offset)
    {
        int i = Array.BinarySearch(_addresses, address);
        if (i < 0)
            i = ~i - 1;
        // of several names at one address, the first kallsyms lists
        while (i > 0 && _addresses[i - 1] == _addresses[i])
            i--;
        if (i < 0)
        {
            name = "";
            offset = 0;
            return false;
        }
        name = _names[i];
        offset = address - _addresses[i];
        return true;
    }

    /// <summary>The address of <paramref name="name"/> (kaddr()), or 0.</summary>
    public ulong AddressOf(string name)
    {
        for (int i = 0; i < _names.Length; i++)
        {
            if (_names[i] == name)
                return _addresses[i];
        }
        return 0;
    }

    /// <summary>bpftrace's resolve_ksym: <c>name</c> (ksym) or <c>name+offset</c> (kstack frames), else <c>0x...</c>.</summary>
    public string Format(ulong address, bool showOffset) =>
        TryResolve(address, out var name, out var offset)
            ? showOffset ? name + "+" + offset.ToString(CultureInfo.InvariantCulture) : name
            : SymbolFormat.Pointer(address);
}
