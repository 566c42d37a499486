using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// <c>bpftool map dump|lookup|getnext</c> (map.c): walks a map's keys (BPF_MAP_GET_NEXT_KEY from
/// none), looks each one up and prints it. In text, when every dumped map has BTF the elements
/// are printed as bpftool's pretty JSON-like BTF text; otherwise as hex bytes and a
/// "Found N elements" line. In JSON each element carries its hex
/// key and value and, with BTF, the "formatted" pair.
/// </summary>
public static class MapDump
{
    /// <summary>
    /// Dumps <paramref name="maps"/> (several when a name matched several maps: each with its
    /// header). Returns false when a walk stopped on an error other than the end of the keys.
    /// </summary>
    public static bool Dump(IReadOnlyList<KernelMap> maps, TextWriter output, BpftoolJsonWriter? json)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(output);
        var btfs = new BtfCache();
        BpftoolJsonWriter? writer = json;
        BpftoolJsonWriter? btfWriter = null;
        var infos = new MapInfo[maps.Count];
        for (int i = 0; i < maps.Count; i++)
            infos[i] = maps[i].GetInfo();
        // maps_have_btf: only the BTF id decides the layout; the value type decides the formatting.
        if (writer is null && infos.Length > 0 && infos.All(m => m.BtfId != 0))
            writer = btfWriter = new BpftoolJsonWriter(output, pretty: true);
        bool several = maps.Count > 1;
        bool ok = true;
        if (writer is not null && several)
            writer.StartArray();
        for (int i = 0; i < maps.Count && ok; i++)
        {
            ok = DumpOne(maps[i], infos[i], output, writer, json is not null, several, btfs);
            if (writer is null && i != maps.Count - 1)
                output.Write('\n');
        }
        if (writer is not null && several)
            writer.EndArray();
        btfWriter?.Finish();
        return ok;
    }

    private static bool DumpOne(KernelMap map, MapInfo info, TextWriter output, BpftoolJsonWriter? writer, bool json, bool showHeader, BtfCache btfs)
    {
        BtfSpec? btf = null;
        if (writer is not null)
        {
            btf = btfs.ForValues(info);
            if (showHeader)
            {
                writer.StartObject();
                MapShowPrinter.WriteHeaderJson(writer, info);
                writer.Name("elements");
            }
            writer.StartArray();
        }
        else if (showHeader)
        {
            MapShowPrinter.WriteHeaderPlain(output, info);
        }

        var key = new byte[info.KeySize];
        var value = new byte[BpfMapLayout.ValueBufferSize(info.Type, info.ValueSize, LinuxKernel.PossibleCpus)];
        uint count = 0;
        bool started = false, ok = true;
        while (true)
        {
            bool more;
            try
            {
                more = map.TryGetNextKey(started ? key : default, key);
            }
            catch (BpfException)
            {
                ok = false;
                break;
            }
            if (!more)
                break;
            started = true;
            if (Element(map, info, key, value, output, writer, json, btf))
                count++;
        }

        if (writer is not null)
        {
            writer.EndArray();
            if (showHeader)
                writer.EndObject();
        }
        else
        {
            output.Write($"Found {count} element{(count != 1 ? "s" : "")}\n");
        }
        return ok;
    }

    // dump_map_elem.
    private static bool Element(KernelMap map, MapInfo info, byte[] key, byte[] value, TextWriter output, BpftoolJsonWriter? writer, bool json, BtfSpec? btf)
    {
        Errno errno = Errno.ENOENT;
        bool found;
        try
        {
            found = map.TryLookup(key, value);
        }
        catch (BpfException e)
        {
            found = false;
            errno = e.Errno;
        }
        if (!found)
        {
            MapElementPrinter.WriteError(output, json ? writer : null, info, key, errno);
            return false;
        }
        if (json)
            MapElementPrinter.WriteJson(writer!, info, key, value, btf);
        else if (btf is not null && writer is not null)
            MapElementPrinter.WriteBtf(new BtfValueWriter(btf, writer, plainText: true), writer, info, key, value);
        else
            MapElementPrinter.WritePlain(output, info, key, value);
        return true;
    }

    /// <summary>
    /// print_key_value (map lookup, and pop/dequeue): with -j the JSON entry; in text the BTF form
    /// when the map has BTF value types, else hex.
    /// </summary>
    public static void WriteElement(MapInfo info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, TextWriter output, BpftoolJsonWriter? json)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(output);
        var btf = info.BtfId != 0 ? new BtfCache().ForValues(info) : null;
        if (json is not null)
        {
            MapElementPrinter.WriteJson(json, info, key, value, btf);
        }
        else if (btf is not null)
        {
            var writer = new BpftoolJsonWriter(output, pretty: true);
            MapElementPrinter.WriteBtf(new BtfValueWriter(btf, writer, plainText: true), writer, info, key, value);
            writer.Finish();
        }
        else
        {
            MapElementPrinter.WritePlain(output, info, key, value);
        }
    }

    /// <summary>do_lookup's answer for a missing key: null in JSON, else the key and "Not found".</summary>
    public static void WriteNotFound(MapInfo info, ReadOnlySpan<byte> key, TextWriter output, BpftoolJsonWriter? json)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(output);
        if (json is not null)
        {
            json.Null();
            return;
        }
        output.Write("key:\n");
        MapElementPrinter.WriteHex(output, key[..info.KeySize]);
        output.Write("\n\nNot found\n");
    }

    /// <summary>do_getnext's output: the key asked about (or none) and the next key.</summary>
    public static void WriteNextKey(MapInfo info, ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> nextKey, TextWriter output, BpftoolJsonWriter? json)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(output);
        if (json is not null)
        {
            json.StartObject();
            if (hasKey)
            {
                json.Name("key");
                json.HexBytes(key[..info.KeySize]);
            }
            else
            {
                json.NullField("key");
            }
            json.Name("next_key");
            json.HexBytes(nextKey[..info.KeySize]);
            json.EndObject();
            return;
        }
        if (hasKey)
        {
            output.Write("key:\n");
            MapElementPrinter.WriteHex(output, key[..info.KeySize]);
            output.Write('\n');
        }
        else
        {
            output.Write("key: None\n");
        }
        output.Write("next key:\n");
        MapElementPrinter.WriteHex(output, nextKey[..info.KeySize]);
        output.Write('\n');
    }

    /// <summary>The BTF bpftool formats a map's elements with (get_map_kv_btf), loaded once per id.</summary>
    private sealed class BtfCache
    {
        private readonly Dictionary<uint, BtfSpec?> _byId = [];
        private BtfSpec? _vmlinux;

        public BtfSpec? ForValues(MapInfo info)
        {
            if (info.Raw.BtfVmlinuxValueTypeId != 0)
                return _vmlinux ??= BtfSpec.Load("/sys/kernel/btf/vmlinux");
            if (info.BtfValueTypeId == 0)
                return null;
            if (!_byId.TryGetValue(info.BtfId, out var spec))
            {
                using var btf = KernelBtf.FromId(info.BtfId);
                _byId[info.BtfId] = spec = btf.ReadSpec();
            }
            return spec;
        }
    }
}
