using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.CoRe;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Linux.Loader;

internal sealed partial class CollectionBuilder
{
    // libbpf.c, bpf_object__resolve_externs and friends.

    private enum KconfigType { Unknown, Bool, Char, Int, Tristate, CharArray }

    // include/uapi/linux/btf.h: BTF_INT_SIGNED, BTF_INT_BOOL.
    private const int IntEncodingSigned = 1;
    private const int IntEncodingBool = 4;

    /// <summary>What a __ksym extern resolved to.</summary>
    private sealed record KernelSymbol(string Name, BtfTypeId BtfId, KernelTypes? Owner, ulong? Address)
    {
        public bool Resolved => !BtfId.IsVoid || Address is not null;
    }

    private readonly Dictionary<string, KernelSymbol> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (KernelBtf Btf, short Index)> _moduleBtfs = new(StringComparer.Ordinal);
    private readonly List<int> _fdArray = [0];
    private byte[]? _kconfig;

    private void ResolveExterns(IReadOnlyList<ProgramSpec> programs)
    {
        var missing = new List<string>();
        ResolveKconfig(missing);
        ResolveKernelSymbols(programs, missing);
        if (missing.Count > 0)
            throw new BpfException($"unresolved extern{(missing.Count > 1 ? "s" : "")}: {string.Join("; ", missing)}");
    }

    /// <summary>The contents of the .kconfig map: each extern's value at its DATASEC offset; weak ones the kernel lacks stay 0.</summary>
    private void ResolveKconfig(List<string> missing)
    {
        if (!_spec.Maps.TryGetValue(".kconfig", out var map) || _spec.Btf?.FindDatasec(".kconfig") is not { } ds)
            return;
        var btf = _spec.Btf!;
        var data = new byte[map.ValueSize];
        IReadOnlyDictionary<string, string>? config = null;
        for (int i = 0; i < ds.Vlen; i++)
        {
            var vsi = ds.VarSecInfo(i);
            var v = btf.GetType(vsi.Type);
            string name = v.Name;
            bool weak = _spec.Externs.FirstOrDefault(e => e.Name == name)?.Weak ?? false;
            var type = Classify(btf, v.Type, out bool signed, out uint size);
            if (type == KconfigType.Unknown)
                throw new BpfException($"extern (kconfig) '{name}': type {BtfTypeNames.Describe(btf, v.Type)} is unsupported (bool, char, integers, enum libbpf_tristate and char arrays are)");
            if (vsi.Offset + size > data.Length)
                throw new BpfException($"extern (kconfig) '{name}': offset {vsi.Offset} + {size} is past the {data.Length}-byte .kconfig map");
            var slot = data.AsSpan((int)vsi.Offset, (int)size);
            string? value;
            if (name.StartsWith("LINUX_", StringComparison.Ordinal))
            {
                value = name switch
                {
                    "LINUX_KERNEL_VERSION" => KernelVersionCode.ToString(CultureInfo.InvariantCulture),
                    // x86-64 and arm64 call syscalls through pt_regs wrappers since 4.17 (ARCH_HAS_SYSCALL_WRAPPER).
                    "LINUX_HAS_SYSCALL_WRAPPER" => LinuxKernel.Version >= new Version(4, 17) ? "1" : "0",
                    // bpf_get_attach_cookie: 5.15.
                    "LINUX_HAS_BPF_COOKIE" => LinuxKernel.Version >= new Version(5, 15) ? "1" : "0",
                    _ => throw new BpfException($"extern (kconfig) '{name}': unrecognized LINUX_ extern (LINUX_KERNEL_VERSION, LINUX_HAS_SYSCALL_WRAPPER and LINUX_HAS_BPF_COOKIE are known)"),
                };
            }
            else if (name.StartsWith("CONFIG_", StringComparison.Ordinal))
            {
                if (config is null)
                {
                    config = _options.KernelConfig;
                    if (config is null)
                    {
                        // The running kernel's, read as libbpf does: /boot/config-RELEASE, else /proc/config.gz.
                        var current = Features.KernelConfig.Current;
                        config = current?.Options ?? new Dictionary<string, string>();
                        Log(current is null ? $"kconfig: {Features.KernelConfig.CurrentProblem}" : $"kconfig: read {current.Source}");
                    }
                }
                config.TryGetValue(name, out value);
            }
            else
            {
                throw new BpfException($"extern (kconfig) '{name}': unrecognized name (kconfig externs are CONFIG_* or LINUX_*)");
            }
            if (value is null)
            {
                if (!weak)
                    missing.Add($"'{name}' (kconfig, strong): not set in the kernel's config");
                else
                    Log($"extern (kconfig) '{name}': not set, defaulting to zero");
                continue;
            }
            SetKconfigValue(name, type, signed, slot, value);
            Log($"extern (kconfig) '{name}' = {value}");
        }
        _kconfig = data;
    }

    private static KconfigType Classify(BtfSpec btf, BtfTypeId id, out bool signed, out uint size)
    {
        signed = false;
        size = (uint)(btf.SizeOf(id) ?? 0);
        var t = btf.SkipModifiersAndTypedefs(id);
        switch (t.Kind)
        {
            case BtfKind.Int:
                if ((t.IntEncoding & IntEncodingBool) != 0)
                    return t.Size == 1 ? KconfigType.Bool : KconfigType.Unknown;
                signed = (t.IntEncoding & IntEncodingSigned) != 0;
                if (t.Size == 1)
                    return KconfigType.Char;
                return t.Size is 2 or 4 or 8 ? KconfigType.Int : KconfigType.Unknown;
            case BtfKind.Enum or BtfKind.Enum64:
                return t.Name == "libbpf_tristate" && t.Size == 4 ? KconfigType.Tristate : KconfigType.Unknown;
            case BtfKind.Array:
                return t.ArrayLength > 0 && Classify(btf, t.ArrayElementType, out _, out _) == KconfigType.Char
                    ? KconfigType.CharArray : KconfigType.Unknown;
            default:
                return KconfigType.Unknown;
        }
    }

    // libbpf's set_kcfg_value_tri / _str / _num.
    private static void SetKconfigValue(string name, KconfigType type, bool signed, Span<byte> slot, string value)
    {
        BpfException Bad(string why) => new($"extern (kconfig) '{name}': value '{value}' {why}");
        switch (value[0])
        {
            case 'y' or 'n' or 'm':
                switch (type)
                {
                    case KconfigType.Bool when value[0] != 'm':
                        slot[0] = (byte)(value[0] == 'y' ? 1 : 0);
                        return;
                    case KconfigType.Tristate:
                        // enum libbpf_tristate: TRI_NO 0, TRI_YES 1, TRI_MODULE 2.
                        BinaryPrimitives.WriteUInt32LittleEndian(slot, value[0] switch { 'y' => 1u, 'm' => 2u, _ => 0u });
                        return;
                    case KconfigType.Char:
                        slot[0] = (byte)value[0];
                        return;
                    default:
                        throw Bad(value[0] == 'm' ? "implies a tristate or char type" : "implies a bool, tristate or char type");
                }
            case '"':
                if (type != KconfigType.CharArray)
                    throw Bad("implies a char array type");
                if (value.Length < 2 || value[^1] != '"')
                    throw Bad("is not a valid string");
                var bytes = Encoding.UTF8.GetBytes(value[1..^1]);
                int n = Math.Min(bytes.Length, slot.Length - 1);
                bytes.AsSpan(0, n).CopyTo(slot);
                slot[n] = 0;
                return;
            default:
                if (type is not (KconfigType.Int or KconfigType.Char))
                    throw Bad("implies an integer type");
                if (!TryParseInteger(value, out ulong number))
                    throw Bad("is not a valid integer");
                int bits = slot.Length * 8;
                bool fits = bits == 64 || (signed ? number + (1UL << (bits - 1)) < 1UL << bits : number >> bits == 0);
                if (!fits)
                    throw Bad($"does not fit in {slot.Length} bytes");
                Span<byte> all = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(all, number);
                all[..slot.Length].CopyTo(slot);
                return;
        }
    }

    // strtoull(value, &end, 0): 0x hex, leading-0 octal, decimal; a leading '-' negates.
    private static bool TryParseInteger(string text, out ulong value)
    {
        value = 0;
        bool negative = text.StartsWith('-');
        var s = negative ? text[1..] : text;
        bool ok;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ok = ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
        else if (s.Length > 1 && s[0] == '0')
        {
            ok = true;
            foreach (char c in s)
            {
                if (c is < '0' or > '7')
                    return false;
                value = value * 8 + (ulong)(c - '0');
            }
        }
        else
        {
            ok = ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }
        if (ok && negative)
            value = unchecked(0 - value);
        return ok;
    }

    /// <summary>KERNEL_VERSION(major, minor, patch), the patch level capped at 255 (include/generated/uapi/linux/version.h).</summary>
    internal static uint KernelVersionCode
    {
        get
        {
            var v = LinuxKernel.Version;
            return (uint)((v.Major << 16) + (Math.Max(v.Minor, 0) << 8) + Math.Min(Math.Max(v.Build, 0), 255));
        }
    }

    /// <summary>
    /// The kernel functions and variables the loaded programs use: kfuncs and typed variables by
    /// their BTF id in vmlinux (or a module), typeless ones by their /proc/kallsyms address.
    /// </summary>
    private void ResolveKernelSymbols(IReadOnlyList<ProgramSpec> programs, List<string> missing)
    {
        var wanted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var p in programs)
        {
            foreach (var r in p.References)
            {
                if (r.Kind is ReferenceKind.Kfunc or ReferenceKind.Ksym)
                    wanted.Add(r.Symbol);
            }
        }
        if (wanted.Count == 0)
            return;
        var btf = _spec.Btf;
        var ksyms = btf?.FindDatasec(".ksyms");
        BtfType? Local(string name)
        {
            if (ksyms is not { } ds)
                return null;
            for (int i = 0; i < ds.Vlen; i++)
            {
                var t = btf!.GetType(ds.VarSecInfo(i).Type);
                if (t.Name == name)
                    return t;
            }
            return null;
        }

        var typeless = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in wanted)
        {
            var ext = _spec.Externs.FirstOrDefault(e => e.Name == name);
            bool weak = ext?.Weak ?? false;
            var local = Local(name);
            bool isFunction = ext?.Kind == ReferenceKind.Kfunc || local?.Kind == BtfKind.Func;
            if (isFunction)
            {
                // Flavors ("bpf_foo___v2") name the same kernel function.
                string essential = CoreNames.EssentialName(name);
                var found = KernelTypes.FindAnywhere(essential, BtfKind.Func);
                string? why = found is null ? "not found in the kernel's or any module's BTF" : null;
                if (found is { } f && local is { } l && !ProtoCompatible(btf!, l.Type, f.Owner.Spec, f.Owner.Spec.GetType(f.Id).Type, out var mismatch))
                    why = $"its prototype does not match the kernel's: {mismatch}";
                if (why is not null)
                {
                    Unresolved(name, "kfunc", weak, why + "; calls are poisoned, its address is 0", why, missing);
                    continue;
                }
                _symbols[name] = new KernelSymbol(name, found!.Value.Id, found.Value.Owner, null);
                Log($"extern (kfunc) '{name}': {Where(found.Value.Owner)} [{found.Value.Id}]");
                continue;
            }
            bool typed = local is { Kind: BtfKind.Var } v && !btf!.SkipModifiers(v.Type).IsVoid;
            if (!typed)
            {
                typeless.Add(name);
                continue;
            }
            var var = KernelTypes.FindAnywhere(name, BtfKind.Var);
            if (var is null)
            {
                Unresolved(name, "ksym", weak, "not in the kernel's BTF; its address is 0", "no variable of that name in the kernel's or any module's BTF", missing);
                continue;
            }
            _symbols[name] = new KernelSymbol(name, var.Value.Id, var.Value.Owner, null);
            Log($"extern (ksym) '{name}': {Where(var.Value.Owner)} VAR [{var.Value.Id}]");
        }

        if (typeless.Count > 0)
        {
            var addresses = Kallsyms.Find(typeless);
            foreach (var name in typeless)
            {
                bool weak = _spec.Externs.FirstOrDefault(e => e.Name == name)?.Weak ?? false;
                if (addresses.TryGetValue(name, out ulong address))
                {
                    _symbols[name] = new KernelSymbol(name, default, null, address);
                    Log($"extern (ksym) '{name}': 0x{address:x} (/proc/kallsyms)");
                }
                else
                {
                    Unresolved(name, "ksym", weak, "not in /proc/kallsyms; its address is 0", "not in /proc/kallsyms", missing);
                }
            }
        }
    }

    // libbpf: a weak extern the kernel lacks is 0 (its calls poisoned); a strong one fails the load.
    private void Unresolved(string name, string kind, bool weak, string weakNote, string strongReason, List<string> missing)
    {
        _symbols[name] = new KernelSymbol(name, default, null, null);
        if (weak)
            Log($"extern ({kind}) '{name}' (weak): {weakNote}");
        else
            missing.Add($"'{name}' ({kind}, strong): {strongReason}");
    }

    private static string Where(KernelTypes owner) => owner.Module is null ? "vmlinux" : $"module {owner.Module}";

    // libbpf checks a kfunc's prototype with bpf_core_types_are_compat; the parameter count and
    // the kinds of parameters are what make a call wrong.
    private static bool ProtoCompatible(BtfSpec local, BtfTypeId localProto, BtfSpec target, BtfTypeId targetProto, out string? mismatch)
    {
        mismatch = null;
        var l = local.SkipModifiersAndTypedefs(localProto);
        var t = target.SkipModifiersAndTypedefs(targetProto);
        if (l.Kind != BtfKind.FuncProto || t.Kind != BtfKind.FuncProto)
            return true;
        if (l.Vlen != t.Vlen)
        {
            mismatch = $"{l.Vlen} parameters here, {t.Vlen} in the kernel";
            return false;
        }
        for (int i = 0; i < l.Vlen; i++)
        {
            var lk = local.SkipModifiersAndTypedefs(l.Param(i).Type).Kind;
            var tk = target.SkipModifiersAndTypedefs(t.Param(i).Type).Kind;
            if (lk == tk || lk is BtfKind.Enum or BtfKind.Enum64 or BtfKind.Int && tk is BtfKind.Enum or BtfKind.Enum64 or BtfKind.Int)
                continue;
            mismatch = $"parameter {i + 1} is a {BtfKindNames.Of(lk)} here, a {BtfKindNames.Of(tk)} in the kernel";
            return false;
        }
        return true;
    }

    /// <summary>The fd_array slot (kfunc calls) and fd (ld_imm64) of a module's BTF, opened once per load.</summary>
    private (KernelBtf Btf, short Index) ModuleBtf(KernelTypes owner)
    {
        if (_moduleBtfs.TryGetValue(owner.Module!, out var known))
            return known;
        var btf = owner.OpenModule();
        var entry = (btf, (short)_fdArray.Count);
        _fdArray.Add(btf.Fd.Value);
        _moduleBtfs[owner.Module!] = entry;
        return entry;
    }

    private void CloseModuleBtfs()
    {
        foreach (var (btf, _) in _moduleBtfs.Values)
            btf.Dispose();
        _moduleBtfs.Clear();
        foreach (var btf in _attachBtfs)
            btf.Dispose();
        _attachBtfs.Clear();
    }
}
