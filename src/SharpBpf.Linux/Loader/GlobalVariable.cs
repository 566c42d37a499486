using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Linux.Loader;

/// <summary>A global variable of an object: where it lives in which data map.</summary>
/// <param name="Name">The variable's name (a static inside a function is "function.name").</param>
/// <param name="Map">The data map's name in the spec (".data", ".rodata", ".data.foo", ...).</param>
/// <param name="Offset">Its byte offset in the map's value.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="IsStatic">Whether it is static (not visible to a skeleton).</param>
public sealed record GlobalVariable(string Name, string Map, uint Offset, uint Size, bool IsStatic)
{
    /// <summary>
    /// The global variables of an object's data sections, from their BTF DATASECs (.kconfig, whose
    /// values the loader fills from the kernel, excluded).
    /// </summary>
    public static IReadOnlyList<GlobalVariable> Of(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var result = new List<GlobalVariable>();
        if (spec.Btf is not { } btf)
            return result;
        foreach (var map in spec.Maps.Values)
        {
            if (map.Origin != MapOrigin.Data || map.Name == ".kconfig" || map.ValueType.IsVoid)
                continue;
            var ds = btf.GetType(map.ValueType);
            if (ds.Kind != BtfKind.Datasec)
                continue;
            for (int i = 0; i < ds.Vlen; i++)
            {
                var vsi = ds.VarSecInfo(i);
                var v = btf.GetType(vsi.Type);
                if (v.Kind != BtfKind.Var)
                    continue;
                result.Add(new GlobalVariable(v.Name, map.Name, vsi.Offset, vsi.Size, v.VarLinkage == BtfLinkage.Static));
            }
        }
        return result;
    }

    /// <summary>The variable with a name; throws naming the choices when there is none or several.</summary>
    internal static GlobalVariable Find(IReadOnlyList<GlobalVariable> variables, string name)
    {
        GlobalVariable? found = null;
        foreach (var v in variables)
        {
            if (v.Name != name)
                continue;
            if (found is not null)
                throw new BpfException($"variable '{name}' is ambiguous: it is in {found.Map} and in {v.Map}");
            found = v;
        }
        return found ?? throw new BpfException(variables.Count == 0
            ? $"variable '{name}' not found: the object has no global variables described by BTF"
            : $"variable '{name}' not found; the object's global variables are {string.Join(", ", variables.Where(v => !v.IsStatic).Select(v => v.Name))}");
    }
}
