using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Elf;

namespace SharpBpf.ObjectFile.Spec;

public static partial class CollectionLoader
{
    private sealed partial class Reader
    {
        private Dictionary<string, MapSpec> ReadMaps()
        {
            var maps = new Dictionary<string, MapSpec>(StringComparer.Ordinal);
            void Add(MapSpec m, long where)
            {
                if (!maps.TryAdd(m.Name, m))
                    throw Bad(ObjectDiagnosticIds.ObjectSpec, $"two maps are named '{m.Name}'", where);
            }

            if (elf.FindSection(".maps") is { } btfMaps)
            {
                if (_btf?.FindDatasec(".maps") is not { } ds)
                    throw Bad(ObjectDiagnosticIds.ObjectSpec, "section .maps needs BTF (compile with clang -g) to describe its maps", (long)btfMaps.Offset);
                var initial = MapsInitialValues(btfMaps);
                for (int i = 0; i < ds.Vlen; i++)
                {
                    var vsi = ds.VarSecInfo(i);
                    var v = _btf.GetType(vsi.Type);
                    if (v.Kind != BtfKind.Var)
                        throw Bad(ObjectDiagnosticIds.ObjectSpec, $".maps entry {i} is a {BtfKindNames.Of(v.Kind)}, not a variable", (long)btfMaps.Offset);
                    Add(ParseBtfMap(v.Name, v.Type, MapOrigin.BtfMaps, vsi.Offset, vsi.Size, initial, (long)btfMaps.Offset + vsi.Offset), (long)btfMaps.Offset + vsi.Offset);
                }
            }
            if (elf.FindSection("maps") is { } legacy)
            {
                var syms = elf.Symbols.Where(y => y.SectionIndex == legacy.Index && y.SymbolType != ElfSymbol.TypeSection && y.Name.Length > 0)
                    .OrderBy(y => y.Value).ToList();
                if (syms.Count > 0)
                {
                    ulong defSize = legacy.Size / (ulong)syms.Count;
                    if (defSize < 20)
                        throw Bad(ObjectDiagnosticIds.ObjectSpec, $"legacy maps section has {syms.Count} maps in {legacy.Size} bytes: too small for struct bpf_map_def", (long)legacy.Offset);
                    var data = elf.GetData(legacy);
                    foreach (var y in syms)
                    {
                        if (y.Value + 20 > legacy.Size)
                            throw Bad(ObjectDiagnosticIds.ObjectSpec, $"legacy map '{y.Name}' runs past the maps section", (long)legacy.Offset + (long)y.Value);
                        var d = data[(int)y.Value..];
                        Add(new MapSpec
                        {
                            Name = y.Name, Type = (MapType)BinaryPrimitives.ReadUInt32LittleEndian(d), KeySize = BinaryPrimitives.ReadUInt32LittleEndian(d[4..]),
                            ValueSize = BinaryPrimitives.ReadUInt32LittleEndian(d[8..]), MaxEntries = BinaryPrimitives.ReadUInt32LittleEndian(d[12..]),
                            Flags = BinaryPrimitives.ReadUInt32LittleEndian(d[16..]), Origin = MapOrigin.Legacy, SectionName = "maps",
                        }, (long)legacy.Offset + (long)y.Value);
                    }
                }
            }
            foreach (var s in elf.Sections)
            {
                if (!IsDataSection(s.Name) || (s.Flags & ElfSection.FlagAlloc) == 0)
                    continue;
                // The kernel caps a map value at KMALLOC_MAX_SIZE (4 MiB on x86-64); refuse what no kernel takes
                // before allocating it.
                if (s.Size > MaxDataSectionSize)
                    throw Bad(ObjectDiagnosticIds.ObjectSpec, $"global data section '{s.Name}' is {s.Size} bytes; a map value can be at most {MaxDataSectionSize}", (long)s.Offset);
                var valueType = _btf?.FindDatasec(s.Name)?.Id ?? BtfTypeId.Void;
                Add(new MapSpec
                {
                    Name = s.Name, Type = MapType.Array, KeySize = 4, ValueSize = (uint)s.Size, MaxEntries = 1,
                    Origin = MapOrigin.Data, SectionName = s.Name, ValueType = valueType,
                    Contents = s.Type == ElfSection.TypeNoBits ? new byte[s.Size] : elf.GetDataCopy(s),
                    ReadOnly = s.Name.StartsWith(".rodata", StringComparison.Ordinal),
                    // libbpf: read-only data maps are created with BPF_F_RDONLY_PROG (0x80).
                    Flags = s.Name.StartsWith(".rodata", StringComparison.Ordinal) ? 0x80u : 0u,
                }, (long)s.Offset);
            }
            if (_btf?.FindDatasec(".kconfig") is { } kconfig)
            {
                if (KconfigSize(kconfig) > MaxDataSectionSize)
                    throw Bad(ObjectDiagnosticIds.ObjectSpec, $".kconfig externs need {KconfigSize(kconfig)} bytes; at most {MaxDataSectionSize} are allowed", 0);
                Add(new MapSpec
                {
                    Name = ".kconfig", Type = MapType.Array, KeySize = 4, ValueSize = KconfigSize(kconfig), MaxEntries = 1,
                    Origin = MapOrigin.Data, SectionName = ".kconfig", ValueType = kconfig.Id, Contents = new byte[KconfigSize(kconfig)],
                    ReadOnly = true, Flags = 0x80,
                }, 0);
            }
            return maps;
        }

        private const ulong MaxDataSectionSize = 16 << 20;

        // libbpf lays .kconfig out itself: each extern at its natural alignment, in DATASEC order.
        private static uint KconfigSize(BtfType datasec)
        {
            ulong end = 0;
            for (int i = 0; i < datasec.Vlen; i++)
            {
                var v = datasec.VarSecInfo(i);
                end = Math.Max(end, (ulong)v.Offset + v.Size);
            }
            return (uint)Math.Min(Math.Max(end, datasec.Size), uint.MaxValue);
        }

        private Dictionary<uint, string> MapsInitialValues(ElfSection maps)
        {
            var result = new Dictionary<uint, string>();
            foreach (var r in elf.Sections)
            {
                if (r.Type is not (ElfSection.TypeRel or ElfSection.TypeRela) || r.Info != maps.Index)
                    continue;
                if (!elf.TryGetRelocations(r, out var relocs, out var d))
                    throw new SharpBpf.Core.Diagnostics.BpfFormatException(d!);
                foreach (var rel in relocs)
                    result[(uint)rel.Offset] = elf.Symbols[rel.SymbolIndex].Name;
            }
            return result;
        }

        /// <summary>
        /// A BTF map definition: a struct whose members encode the attributes libbpf reads
        /// (__uint(x, N) is "int (*x)[N]", __type(x, T) is "T *x", __array(values, T) an array of pointers).
        /// </summary>
        private MapSpec ParseBtfMap(string name, BtfTypeId defId, MapOrigin origin, uint varOffset, uint varSize, Dictionary<uint, string> initial, long where)
        {
            var def = _btf!.SkipModifiersAndTypedefs(defId);
            if (def.Kind != BtfKind.Struct)
                throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{name}': definition is a {BtfKindNames.Of(def.Kind)}, not a struct", where);
            MapType type = MapType.Unspec;
            uint keySize = 0, valueSize = 0, maxEntries = 0, flags = 0, numa = 0;
            ulong extra = 0;
            var pin = PinType.None;
            BtfTypeId keyType = default, valueType = default;
            MapSpec? inner = null;
            var values = new List<(uint, string)>();
            for (int i = 0; i < def.Vlen; i++)
            {
                var m = def.Member(i);
                string field = m.Name;
                switch (field)
                {
                    case "type": type = (MapType)Uint(name, m); break;
                    case "max_entries": maxEntries = Uint(name, m); break;
                    case "map_flags": flags = Uint(name, m); break;
                    case "numa_node": numa = Uint(name, m); break;
                    case "key_size": keySize = Uint(name, m); break;
                    case "value_size": valueSize = Uint(name, m); break;
                    case "map_extra": extra = Uint(name, m); break;
                    case "pinning":
                        uint p = Uint(name, m);
                        if (p > 1)
                            throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{name}': unknown pinning {p}", where);
                        pin = (PinType)p;
                        break;
                    case "key":
                        keyType = PointerTarget(name, m);
                        keySize = (uint)(_btf.SizeOf(keyType) ?? throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{name}': key type has no size", where));
                        break;
                    case "value":
                        valueType = PointerTarget(name, m);
                        valueSize = (uint)(_btf.SizeOf(valueType) ?? throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{name}': value type has no size", where));
                        break;
                    case "values":
                    {
                        var arr = _btf.SkipModifiersAndTypedefs(m.Type);
                        if (arr.Kind != BtfKind.Array)
                            throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{name}': 'values' must be an array", where);
                        var elem = _btf.SkipModifiersAndTypedefs(arr.ArrayElementType);
                        if (elem.Kind != BtfKind.Ptr)
                            throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{name}': 'values' must be an array of pointers", where);
                        var target = _btf.SkipModifiersAndTypedefs(elem.Type);
                        if (target.Kind == BtfKind.Struct)
                            inner = ParseBtfMap(name + ".inner", target.Id, MapOrigin.Inner, 0, 0, [], where);
                        uint valuesOffset = varOffset + m.BitOffset / 8;
                        foreach (var (off, sym) in initial)
                        {
                            // Only the initialisers inside this variable belong to it.
                            if (off >= valuesOffset && (off - valuesOffset) % 8 == 0 && off < varOffset + varSize)
                                values.Add(((off - valuesOffset) / 8, sym));
                        }
                        break;
                    }
                    default:
                        throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{name}': unknown attribute '{field}'", where);
                }
            }
            if (type is MapType.ArrayOfMaps or MapType.HashOfMaps && valueSize == 0)
                valueSize = 4; // the value of a map-of-maps is a map fd
            if (type == MapType.ProgArray && valueSize == 0)
                valueSize = 4;
            values.Sort();
            return new MapSpec
            {
                Name = name, Type = type, KeySize = keySize, ValueSize = valueSize, MaxEntries = maxEntries, Flags = flags, NumaNode = numa,
                MapExtra = extra, Pinning = pin, KeyType = keyType, ValueType = valueType, InnerMap = inner, Origin = origin,
                SectionName = origin == MapOrigin.Inner ? ".maps" : ".maps", InitialValues = values,
            };
        }

        private uint Uint(string map, BtfMember m)
        {
            var ptr = _btf!.SkipModifiersAndTypedefs(m.Type);
            if (ptr.Kind != BtfKind.Ptr)
                throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{map}': attribute '{m.Name}' must be __uint(), a pointer to an array", 0);
            var arr = _btf.SkipModifiersAndTypedefs(ptr.Type);
            if (arr.Kind != BtfKind.Array)
                throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{map}': attribute '{m.Name}' must be __uint(), a pointer to an array", 0);
            return arr.ArrayLength;
        }

        private BtfTypeId PointerTarget(string map, BtfMember m)
        {
            var ptr = _btf!.SkipModifiersAndTypedefs(m.Type);
            if (ptr.Kind != BtfKind.Ptr)
                throw Bad(ObjectDiagnosticIds.ObjectSpec, $"map '{map}': attribute '{m.Name}' must be __type(), a pointer", 0);
            return ptr.Type;
        }
    }
}
