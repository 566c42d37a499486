using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Loader;

/// <summary>
/// The running kernel's BTF as the loader asks it things: /sys/kernel/btf/vmlinux parsed once per
/// process, and each module's split BTF (/sys/kernel/btf/MODULE) parsed the first time a name is
/// not in vmlinux. Functions, variables and typedefs are indexed by name, first match wins, as
/// libbpf's btf__find_by_name_kind.
/// </summary>
internal sealed class KernelTypes
{
    /// <summary>Where the kernel exposes its BTF.</summary>
    public const string Directory = "/sys/kernel/btf";

    private static readonly Lazy<KernelTypes> VmlinuxValue = new(LoadVmlinux);

    private static readonly Lazy<IReadOnlyList<KernelTypes>> ModulesValue = new(LoadModules);

    private readonly Dictionary<(string Name, BtfKind Kind), BtfTypeId> _index = [];

    private KernelTypes(BtfSpec spec, string? module)
    {
        Spec = spec;
        Module = module;
        for (uint id = spec.FirstId; id < (uint)spec.TypeCount; id++)
        {
            var t = spec.GetType(id);
            if (t.Kind is BtfKind.Func or BtfKind.Var or BtfKind.Typedef && t.NameOffset != 0)
                _index.TryAdd((t.Name, t.Kind), id);
        }
    }

    /// <summary>vmlinux's BTF, parsed and indexed on first use.</summary>
    public static KernelTypes Vmlinux => VmlinuxValue.Value;

    /// <summary>The modules' BTF (split on vmlinux), parsed and indexed on first use.</summary>
    public static IReadOnlyList<KernelTypes> Modules => ModulesValue.Value;

    /// <summary>The parsed BTF.</summary>
    public BtfSpec Spec { get; }

    /// <summary>The module's name, or null for vmlinux.</summary>
    public string? Module { get; }

    /// <summary>The id of the first FUNC, VAR or TYPEDEF with a name in this BTF (void when none).</summary>
    public BtfTypeId Find(string name, BtfKind kind) => _index.TryGetValue((name, kind), out var id) ? id : BtfTypeId.Void;

    /// <summary>Finds a name in vmlinux, then in each module (libbpf's find_ksym_btf_id).</summary>
    public static (KernelTypes Owner, BtfTypeId Id)? FindAnywhere(string name, BtfKind kind)
    {
        var id = Vmlinux.Find(name, kind);
        if (!id.IsVoid)
            return (Vmlinux, id);
        foreach (var module in Modules)
        {
            id = module.Find(name, kind);
            if (!id.IsVoid)
                return (module, id);
        }
        return null;
    }

    /// <summary>Opens this module's BTF object in the kernel (to pass its fd with a BTF id that lives in it).</summary>
    public KernelBtf OpenModule()
    {
        foreach (uint id in KernelObjectIds.Btfs())
        {
            KernelBtf? btf = null;
            try
            {
                btf = KernelBtf.FromId(id);
                var info = btf.GetInfo();
                if (info.IsKernel && info.Name == Module)
                {
                    var found = btf;
                    btf = null;
                    return found;
                }
            }
            catch (BpfException e) when (e.Errno == Errno.ENOENT)
            {
                // Unloaded meanwhile.
            }
            finally
            {
                btf?.Dispose();
            }
        }
        throw new BpfException($"module '{Module}' has BTF in {Directory} but no BTF object in the kernel");
    }

    private static KernelTypes LoadVmlinux()
    {
        string path = Path.Combine(Directory, "vmlinux");
        // CONFIG_DEBUG_INFO_BTF exposes it since 5.4; CO-RE, kfuncs and tracing programs need it.
        if (!File.Exists(path))
            throw new BpfNotSupportedException($"the kernel's BTF ({path}, CONFIG_DEBUG_INFO_BTF)", new Version(5, 4));
        return new KernelTypes(BtfSpec.Load(path), null);
    }

    private static List<KernelTypes> LoadModules()
    {
        var modules = new List<KernelTypes>();
        if (!System.IO.Directory.Exists(Directory))
            return modules;
        foreach (var path in System.IO.Directory.GetFiles(Directory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name == "vmlinux")
                continue;
            modules.Add(new KernelTypes(BtfSpec.Load(path, Vmlinux.Spec), name));
        }
        return modules;
    }
}
