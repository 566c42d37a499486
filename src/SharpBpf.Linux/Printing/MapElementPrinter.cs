using System.Globalization;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// One map element as bpftool prints it (map.c): hex bytes in text (print_entry_plain), hex
/// strings in JSON (print_entry_json) with the BTF-formatted key and value beside them, or the
/// BTF form alone (do_dump_btf); per-CPU maps list every possible CPU's value.
/// </summary>
public static class MapElementPrinter
{
    /// <summary>fprint_hex (common.c): bytes separated by <paramref name="separator"/>, two spaces after 8, a newline after 16.</summary>
    public static void WriteHex(TextWriter w, ReadOnlySpan<byte> data, string separator = " ")
    {
        ArgumentNullException.ThrowIfNull(w);
        for (int i = 0; i < data.Length; i++)
        {
            string prefix = "";
            if (i == 0)
            {
            }
            else if (i % 16 == 0)
            {
                w.Write('\n');
            }
            else if (i % 8 == 0)
            {
                w.Write("  ");
            }
            else
            {
                prefix = separator;
            }
            w.Write(prefix);
            w.Write(data[i].ToString("x2", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>print_entry_plain. <paramref name="value"/> holds every CPU's value for a per-CPU map.</summary>
    public static void WritePlain(TextWriter w, MapInfo info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(info);
        int keySize = info.KeySize, valueSize = info.ValueSize;
        if (!BpfMapLayout.IsPerCpu(info.Type))
        {
            bool breakNames = keySize > 16 || valueSize > 16;
            bool singleLine = keySize + valueSize <= 24 && !breakNames;
            if (keySize != 0)
            {
                w.Write(breakNames ? "key:\n" : "key: ");
                WriteHex(w, key[..keySize]);
                w.Write(singleLine ? "  " : "\n");
            }
            if (valueSize != 0)
            {
                // bpftool 7.1 prints a map of maps' inner map id as bytes too (inner_map_id came in 7.2).
                w.Write(breakNames ? "value:\n" : "value: ");
                WriteHex(w, value[..valueSize]);
            }
            w.Write('\n');
            return;
        }
        int cpus = LinuxKernel.PossibleCpus, step = BpfMapLayout.PerCpuStride(valueSize);
        if (keySize != 0)
        {
            w.Write("key:\n");
            WriteHex(w, key[..keySize]);
            w.Write('\n');
        }
        if (valueSize != 0)
        {
            for (int cpu = 0; cpu < cpus; cpu++)
            {
                w.Write($"value (CPU {cpu:00}):{(valueSize > 16 ? '\n' : ' ')}");
                WriteHex(w, value.Slice(cpu * step, valueSize));
                w.Write('\n');
            }
        }
    }

    /// <summary>print_entry_json: hex key and value(s), the inner map id of a map of maps, and "formatted" with BTF.</summary>
    public static void WriteJson(BpftoolJsonWriter j, MapInfo info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BtfSpec? btf)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(info);
        j.StartObject();
        if (!BpfMapLayout.IsPerCpu(info.Type))
        {
            j.Name("key");
            j.HexBytes(key[..info.KeySize]);
            j.Name("value");
            j.HexBytes(value[..info.ValueSize]);
        }
        else
        {
            int cpus = LinuxKernel.PossibleCpus, step = BpfMapLayout.PerCpuStride(info.ValueSize);
            j.Name("key");
            j.HexBytes(key[..info.KeySize]);
            j.Name("values");
            j.StartArray();
            for (int cpu = 0; cpu < cpus; cpu++)
            {
                j.StartObject();
                j.IntField("cpu", cpu);
                j.Name("value");
                j.HexBytes(value.Slice(cpu * step, info.ValueSize));
                j.EndObject();
            }
            j.EndArray();
        }
        if (btf is not null)
        {
            j.Name("formatted");
            WriteBtf(new BtfValueWriter(btf, j, plainText: false), j, info, key, value);
        }
        j.EndObject();
    }

    /// <summary>do_dump_btf: {"key": ..., "value": ...} (or "values" per CPU) formatted by the map's BTF types.</summary>
    public static bool WriteBtf(BtfValueWriter d, BpftoolJsonWriter j, MapInfo info, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(info);
        bool ok = true;
        j.StartObject();
        if (info.BtfKeyTypeId != 0)
        {
            j.Name("key");
            ok = d.Write(info.BtfKeyTypeId, key);
        }
        if (ok)
        {
            uint valueId = info.Raw.BtfVmlinuxValueTypeId != 0 ? info.Raw.BtfVmlinuxValueTypeId : info.BtfValueTypeId;
            if (!BpfMapLayout.IsPerCpu(info.Type))
            {
                j.Name("value");
                ok = d.Write(valueId, value);
            }
            else
            {
                int cpus = LinuxKernel.PossibleCpus, step = BpfMapLayout.PerCpuStride(info.ValueSize);
                j.Name("values");
                j.StartArray();
                for (int cpu = 0; cpu < cpus; cpu++)
                {
                    j.StartObject();
                    j.IntField("cpu", cpu);
                    j.Name("value");
                    ok = d.Write(valueId, value[(cpu * step)..]);
                    j.EndObject();
                    if (!ok)
                        break;
                }
                j.EndArray();
            }
        }
        j.EndObject();
        return ok;
    }

    /// <summary>
    /// print_entry_error: an element whose lookup failed. Nothing for an empty slot of a program
    /// array or map of maps; "&lt;no entry&gt;" for ENOENT, else strerror.
    /// </summary>
    public static void WriteError(TextWriter w, BpftoolJsonWriter? j, MapInfo info, ReadOnlySpan<byte> key, Errno errno)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(info);
        if ((IsMapOfMaps(info.Type) || info.Type == MapType.ProgArray) && errno == Errno.ENOENT)
            return;
        if (j is not null)
        {
            j.StartObject();
            j.Name("key");
            j.HexBytes(key[..info.KeySize]);
            j.Name("value");
            j.StartObject();
            j.StringField("error", StrError(errno));
            j.EndObject();
            j.EndObject();
            return;
        }
        string message = errno == Errno.ENOENT ? "<no entry>"
            : errno == Errno.ENOSPC && info.Type == MapType.ReuseportSockarray ? "<cannot read>"
            : StrError(errno);
        bool breakNames = info.KeySize > 16 || message.Length > 16;
        bool singleLine = info.KeySize + message.Length <= 24 && !breakNames;
        w.Write(breakNames ? "key:\n" : "key: ");
        WriteHex(w, key[..info.KeySize]);
        w.Write(singleLine ? "  " : "\n");
        w.Write(breakNames ? "value:\n" : "value: ");
        w.Write(message);
        w.Write('\n');
    }

    /// <summary>libc's strerror text.</summary>
    public static string StrError(Errno errno) => Marshal.GetPInvokeErrorMessage((int)errno);

    internal static bool IsMapOfMaps(MapType type) => type is MapType.ArrayOfMaps or MapType.HashOfMaps;
}
