namespace SharpBpf.Trace.Probes;

/// <summary>
/// One field of a tracepoint's record, from a line of its tracefs format file:
/// <c>field:const char * filename;	offset:16;	size:8;	signed:0;</c>.
/// </summary>
/// <param name="Declaration">The declaration as written (<c>const char * filename</c>, <c>char comm[16]</c>, <c>__data_loc char[] name</c>); what <c>bpftrace -lv</c> prints.</param>
/// <param name="TypeName">The type without the name and array suffix (<c>const char *</c>, <c>char</c>, <c>char[]</c> for __data_loc).</param>
/// <param name="Name">The field name (<c>filename</c>).</param>
/// <param name="Offset">Byte offset in the record (the BPF program's context).</param>
/// <param name="Size">Size in bytes (an array's whole size; 4 for __data_loc).</param>
/// <param name="IsSigned">The format's <c>signed:</c> flag.</param>
/// <param name="ArrayLength">Elements of a fixed array (<c>char comm[16]</c>: 16), 0 otherwise.</param>
/// <param name="IsDataLoc">A <c>__data_loc</c> field: a u32 holding (length &lt;&lt; 16 | offset) of variable data in the record.</param>
public sealed record TracepointField(string Declaration, string TypeName, string Name, int Offset, int Size, bool IsSigned, int ArrayLength, bool IsDataLoc)
{
    /// <summary>The common_ fields every record starts with (bpftrace hides them).</summary>
    public bool IsCommon => Name.StartsWith("common_", StringComparison.Ordinal);

    /// <summary>True when the type is a pointer (<c>const char *</c>).</summary>
    public bool IsPointer => !IsDataLoc && TypeName.EndsWith('*');

    /// <summary>
    /// The type bpftrace gives the field: integers whose declared type disagrees with their size are
    /// widened as its TracepointFormatParser::adjust_integer_types does (a syscall's <c>int dfd</c> of
    /// size 8 is <c>s64</c>, <c>pid_t</c> of size 8 is <c>u64</c>).
    /// </summary>
    public string AdjustedTypeName
    {
        get
        {
            if (Size == 8)
            {
                if (TypeName is "int" or "s32")
                    return "s64";
                if (TypeName is "unsigned int" or "unsigned" or "u32" or "pid_t" or "uid_t" or "gid_t")
                    return "u64";
            }
            return TypeName;
        }
    }
}
