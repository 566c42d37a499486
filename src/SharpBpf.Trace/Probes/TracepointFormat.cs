using System.Globalization;
using System.Text;
using SharpBpf.Linux;

namespace SharpBpf.Trace.Probes;

/// <summary>
/// A tracepoint's record layout from tracefs (<c>/sys/kernel/tracing/events/CAT/NAME/format</c>), so
/// <c>args->filename</c> resolves to an offset, a size and a type.
/// </summary>
public sealed class TracepointFormat
{
    private TracepointFormat(string category, string name, int id, IReadOnlyList<TracepointField> fields)
    {
        Category = category;
        Name = name;
        Id = id;
        Fields = fields;
    }

    /// <summary>The tracefs mount bpftrace and perf use.</summary>
    public const string TracefsRoot = "/sys/kernel/tracing";

    /// <summary>The category (<c>syscalls</c>).</summary>
    public string Category { get; }

    /// <summary>The event (<c>sys_enter_openat</c>).</summary>
    public string Name { get; }

    /// <summary>The event id (perf_event_open's config for PERF_TYPE_TRACEPOINT), 0 when absent.</summary>
    public int Id { get; }

    /// <summary>Every field, common_ ones included, in record order.</summary>
    public IReadOnlyList<TracepointField> Fields { get; }

    /// <summary>The field named <paramref name="name"/>, or null.</summary>
    public TracepointField? Find(string name) => Fields.FirstOrDefault(f => f.Name == name);

    /// <summary>Reads tracefs' format for CATEGORY:NAME; throws <see cref="FileNotFoundException"/> when the tracepoint does not exist.</summary>
    public static TracepointFormat Load(string category, string name, string tracefsRoot = TracefsRoot)
    {
        var path = Path.Combine(tracefsRoot, "events", category, name, "format");
        if (!File.Exists(path))
            throw new FileNotFoundException($"tracepoint not found: {category}:{name}", path);
        return Parse(category, name, KernelFiles.ReadAllText(path));
    }

    /// <summary>Parses a format file's text.</summary>
    public static TracepointFormat Parse(string category, string name, string text)
    {
        int id = 0;
        var fields = new List<TracepointField>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("ID:", StringComparison.Ordinal))
            {
                _ = int.TryParse(line.AsSpan(3).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out id);
                continue;
            }
            if (line.StartsWith("name:", StringComparison.Ordinal) && name.Length == 0)
            {
                name = line[5..].Trim();
                continue;
            }
            if (!line.StartsWith("field:", StringComparison.Ordinal))
                continue;
            string? decl = null;
            int offset = 0, size = 0;
            bool signed = false;
            foreach (var part in line.Split(';'))
            {
                var p = part.Trim();
                if (p.StartsWith("field:", StringComparison.Ordinal))
                    decl = p[6..].Trim();
                else if (p.StartsWith("offset:", StringComparison.Ordinal))
                    offset = int.Parse(p.AsSpan(7), CultureInfo.InvariantCulture);
                else if (p.StartsWith("size:", StringComparison.Ordinal))
                    size = int.Parse(p.AsSpan(5), CultureInfo.InvariantCulture);
                else if (p.StartsWith("signed:", StringComparison.Ordinal))
                    signed = p.AsSpan(7).Trim() is "1";
            }
            if (decl is not null)
                fields.Add(ParseDeclaration(decl, offset, size, signed));
        }
        return new TracepointFormat(category, name, id, fields);
    }

    /// <summary>What <c>bpftrace -lv</c> prints: the probe, then four-space-indented declarations of the non-common fields.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("tracepoint:").Append(Category).Append(':').Append(Name).Append('\n');
        foreach (var f in Fields)
        {
            if (!f.IsCommon)
                sb.Append("    ").Append(f.Declaration).Append('\n');
        }
        return sb.ToString();
    }

    // "const char *const * argv", "char comm[16]", "__data_loc char[] name", "unsigned long args[6]"
    private static TracepointField ParseDeclaration(string decl, int offset, int size, bool signed)
    {
        bool dataLoc = false;
        string rest = decl;
        if (rest.StartsWith("__data_loc ", StringComparison.Ordinal))
        {
            dataLoc = true;
            rest = rest[11..].Trim();
        }
        int arrayLength = 0;
        if (rest.EndsWith(']'))
        {
            int open = rest.LastIndexOf('[');
            var inner = rest[(open + 1)..^1];
            // "char[] name" puts the brackets on the type; "comm[16]" on the name
            if (open > 0 && !char.IsWhiteSpace(rest[open - 1]) && IsIdentifierEnd(rest, open))
            {
                _ = int.TryParse(inner, NumberStyles.Integer, CultureInfo.InvariantCulture, out arrayLength);
                rest = rest[..open];
            }
        }
        int end = rest.Length;
        int start = end;
        while (start > 0 && (char.IsAsciiLetterOrDigit(rest[start - 1]) || rest[start - 1] == '_'))
            start--;
        string fieldName = rest[start..end];
        string type = rest[..start].Trim();
        return new TracepointField(decl, type, fieldName, offset, size, signed, arrayLength, dataLoc);
    }

    private static bool IsIdentifierEnd(string s, int open)
    {
        char c = s[open - 1];
        return char.IsAsciiLetterOrDigit(c) || c == '_';
    }
}
