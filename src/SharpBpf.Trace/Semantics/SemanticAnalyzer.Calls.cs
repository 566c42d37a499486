using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.Semantics;

public sealed partial class SemanticAnalyzer
{
    private TraceType BuiltinType(Builtin b)
    {
        string n = b.Name;
        switch (n)
        {
            case "pid":
            case "tid":
            case "uid":
            case "gid":
            case "cpu":
            case "nsecs":
            case "elapsed":
            case "cgroup":
            case "numaid":
                return TraceType.UInt64;
            case "rand":
                return TraceType.Integer(4, false);
            case "comm":
                return TraceType.String(16);
            case "username":
                return TraceType.Of(TypeKind.Username);
            case "probe":
                return TraceType.Of(TypeKind.Probe);
            case "kstack":
                return TraceType.Of(TypeKind.Kstack);
            case "ustack":
                return TraceType.Of(TypeKind.Ustack);
            case "func":
                if (_kind is ProbeKind.Uprobe or ProbeKind.Uretprobe)
                    return TraceType.Of(TypeKind.Usym);
                if (_kind is ProbeKind.Profile or ProbeKind.Software or ProbeKind.Interval)
                    return TraceType.Of(TypeKind.Ksym);
                Error($"The func builtin can not be used with '{_attach.Provider}' probes", b.Span);
                return TraceType.None;
            case "curtask":
            {
                var task = _env.Types.Available ? _env.Types.Struct("struct task_struct") : null;
                return TraceType.Pointer(task);
            }
            case "retval":
                if (_kind is not (ProbeKind.Uretprobe))
                {
                    Error($"The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes ({ProbeTypes.NameOf(_kind)} used here)", b.Span);
                    return TraceType.None;
                }
                return TraceType.Int64;
            case "args":
                if (_kind != ProbeKind.Tracepoint)
                {
                    Error($"The args builtin can only be used with tracepoint/kfunc/uprobeprobes ({ProbeTypes.NameOf(_kind)} used here)", b.Span);
                    return TraceType.None;
                }
                return TraceType.Pointer(null, context: true);
            case "ctx":
                return TraceType.Pointer(null, context: true);
        }
        if (n.StartsWith("arg", StringComparison.Ordinal) && int.TryParse(n.AsSpan(3), out int index))
        {
            if (_kind is ProbeKind.Uprobe or ProbeKind.Uretprobe or ProbeKind.RawTracepoint)
            {
                if (_kind != ProbeKind.RawTracepoint && index > 5)
                {
                    Error($"{n} is not a valid argument: only arg0-arg5 are passed in registers on x86-64", b.Span);
                    return TraceType.None;
                }
                return TraceType.UInt64;
            }
            Error($"The {n} builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes ({ProbeTypes.NameOf(_kind)} used here)", b.Span);
            return TraceType.None;
        }
        if (n.StartsWith("sarg", StringComparison.Ordinal))
        {
            Error($"The {n} builtin is not supported", b.Span);
            return TraceType.None;
        }
        Error($"Unknown identifier: '{n}'", b.Span);
        return TraceType.None;
    }

    private TraceType CallType(Call c)
    {
        var args = c.Arguments;
        var types = new TraceType[args.Count];
        for (int i = 0; i < args.Count; i++)
        {
            // clear(@m), zero(@m), print(@m) name the whole map, whatever its keys.
            if (i == 0 && c.Name is "clear" or "zero" or "print" && args[0] is MapAccess { Keys.Count: 0 } whole)
            {
                if (_maps.TryGetValue(whole.Name, out var wholeInfo) && wholeInfo.Value.Kind != TypeKind.None)
                    types[0] = whole.Type = wholeInfo.Value;
                else
                    Error($"Undefined map: {whole.Name}", whole.Span);
                continue;
            }
            if (c.Name == "offsetof")
                continue; // a type and a field name, not values
            types[i] = Visit(args[i]);
        }

        bool Count(int min, int max)
        {
            if (args.Count >= min && args.Count <= max)
                return true;
            if (min == max && min == 0)
                Error($"{c.Name}() requires no arguments ({args.Count} provided)", c.Span);
            else if (min == max)
                Error($"{c.Name}() requires {min} argument{(min == 1 ? "" : "s")} ({args.Count} provided)", c.Span);
            else if (args.Count < min)
                Error($"{c.Name}() requires at least {min} argument{(min == 1 ? "" : "s")} ({args.Count} provided)", c.Span);
            else
                Error($"{c.Name}() takes up to {max} arguments ({args.Count} provided)", c.Span);
            return false;
        }

        void RequireInteger(int i, string what)
        {
            if (i < types.Length && !types[i].IsInteger && types[i].Kind != TypeKind.None)
                Error($"{c.Name}() only supports integer arguments ({types[i]} provided)", args[i].Span);
        }

        switch (c.Name)
        {
            case "count":
                Count(0, 0);
                return TraceType.Of(TypeKind.Count);
            case "sum":
            case "min":
            case "max":
            case "avg":
            case "stats":
            case "hist":
                if (Count(1, 1))
                    RequireInteger(0, "value");
                return TraceType.Of(c.Name switch
                {
                    "sum" => TypeKind.Sum, "min" => TypeKind.Min, "max" => TypeKind.Max, "avg" => TypeKind.Avg, "stats" => TypeKind.Stats, _ => TypeKind.Hist,
                });
            case "lhist":
            {
                if (!Count(4, 4))
                    return TraceType.Lhist(0, 1, 1);
                RequireInteger(0, "value");
                long? min = ConstantValue(args[1]), max = ConstantValue(args[2]), step = ConstantValue(args[3]);
                if (min is null)
                    Error("lhist() expects a integer literal (int provided)", args[1].Span);
                if (max is null)
                    Error("lhist() expects a integer literal (int provided)", args[2].Span);
                if (step is null)
                    Error("lhist() expects a integer literal (int provided)", args[3].Span);
                if (min is null || max is null || step is null)
                    return TraceType.Lhist(0, 1, 1);
                if (min < 0)
                    Error($"lhist() min must be non-negative (provided min {min})", c.Span);
                else if (min > max)
                    Error($"lhist() min must be less than max (provided min {min} and max {max})", c.Span);
                else if (step <= 0)
                    Error($"lhist() step must be >= 1 ({step} provided)", c.Span);
                else if ((max - min) / step > 1000)
                    Error($"lhist() too many buckets, must be <= 1000 (would need {(max - min) / step})", c.Span);
                return TraceType.Lhist(min.Value, max.Value, step.Value);
            }
            case "printf":
            case "system":
            case "cat":
                if (args.Count == 0)
                {
                    Error($"{c.Name}() requires at least 1 argument (0 provided)", c.Span);
                    return TraceType.None;
                }
                if (args[0] is not StringLiteral fmt)
                {
                    Error($"{c.Name}() expects a string literal as first argument", args[0].Span);
                    return TraceType.None;
                }
                if (c.Name == "system" && _final)
                {
                    // bpftrace refuses system() without --unsafe; we do the same.
                    Error("system() is an unsafe function being used in safe mode", c.Span);
                }
                CheckFormat(c, fmt.Value, types);
                return TraceType.None;
            case "print":
                if (Count(1, 3) && args.Count > 1 && args[0] is not MapAccess { Keys.Count: 0 })
                    Error("print() takes a top and a divisor only for a whole map", c.Span);
                for (int i = 1; i < args.Count; i++)
                {
                    if (ConstantValue(args[i]) is null)
                        Error("print() expects integer literals as top and divisor", args[i].Span);
                }
                return TraceType.None;
            case "clear":
            case "zero":
                if (Count(1, 1) && args[0] is not MapAccess { Keys.Count: 0 })
                    Error($"{c.Name}() expects a map to be provided", args[0].Span);
                return TraceType.None;
            case "delete":
                if (Count(1, 1) && args[0] is not MapAccess)
                    Error("delete() expects a map to be provided", args[0].Span);
                return TraceType.None;
            case "exit":
                Count(0, 0);
                return TraceType.None;
            case "time":
                Count(0, 1);
                if (args.Count == 1 && args[0] is not StringLiteral)
                    Error("time() expects a string literal as first argument", args[0].Span);
                return TraceType.None;
            case "str":
            {
                if (!Count(1, 2))
                    return TraceType.String(StringSize);
                var t = types[0];
                if (t.Kind is not (TypeKind.Pointer or TypeKind.Integer or TypeKind.String or TypeKind.Array) && t.Kind != TypeKind.None)
                    Error($"str() expects an integer or a pointer type as first argument ({t} provided)", args[0].Span);
                if (args.Count == 2)
                {
                    RequireInteger(1, "length");
                    if (ConstantValue(args[1]) is { } len && len > 0 && len < StringSize)
                        return TraceType.String((int)len + 1);
                }
                if (t.Kind == TypeKind.String)
                    return t;
                return TraceType.String(StringSize);
            }
            case "strncmp":
                if (Count(3, 3))
                {
                    for (int i = 0; i < 2; i++)
                    {
                        if (types[i].Kind != TypeKind.String && types[i].Kind != TypeKind.None)
                            Error($"strncmp() expects a string as argument {i + 1} ({types[i]} provided)", args[i].Span);
                    }
                    if (ConstantValue(args[2]) is null)
                        Error("strncmp() expects an integer literal as third argument", args[2].Span);
                }
                return TraceType.Integer(8, false);
            case "ksym":
                Count(1, 1);
                RequireInteger(0, "address");
                return TraceType.Of(TypeKind.Ksym);
            case "usym":
                Count(1, 1);
                RequireInteger(0, "address");
                return TraceType.Of(TypeKind.Usym);
            case "signal":
                if (Count(1, 1) && args[0] is not StringLiteral && !types[0].IsInteger)
                    Error("signal() only accepts a string literal or an integer", args[0].Span);
                if (args.Count == 1 && args[0] is StringLiteral sig && SignalNumber(sig.Value) is null)
                    Error($"signal(): Invalid signal: {sig.Value}", args[0].Span);
                return TraceType.None;
            case "sizeof":
                Count(1, 1);
                return TraceType.UInt64;
            case "kstack":
            case "ustack":
                Count(0, 2);
                return TraceType.Of(c.Name == "kstack" ? TypeKind.Kstack : TypeKind.Ustack);
            case "buf":
            {
                if (!Count(1, 2))
                    return TraceType.Buffer(1);
                long? len = args.Count == 2 ? ConstantValue(args[1]) : types[0].Kind is TypeKind.String or TypeKind.Array ? types[0].Size : null;
                if (len is null)
                {
                    Error("buf() expects a length argument for non-array type", c.Span);
                    return TraceType.Buffer(1);
                }
                if (len <= 0 || len > 200)
                    Error($"buf() length must be between 1 and 200 ({len} provided)", c.Span);
                return TraceType.Buffer((int)Math.Clamp(len.Value, 1, 200));
            }
            case "ntop":
                if (Count(1, 2))
                {
                    for (int i = 0; i < args.Count; i++)
                        RequireInteger(i, "address");
                }
                return TraceType.Inet();
            case "join":
                if (Count(1, 2))
                {
                    if (!types[0].IsInteger && types[0].Kind != TypeKind.Pointer && types[0].Kind != TypeKind.None)
                        Error($"join() expects a pointer to an array of strings ({types[0]} provided)", args[0].Span);
                    if (args.Count == 2 && args[1] is not StringLiteral)
                        Error("join() expects a string literal as its delimiter", args[1].Span);
                }
                return TraceType.None;
            case "strftime":
                if (!Count(2, 2))
                    return TraceType.Strftime("");
                if (args[0] is not StringLiteral sf)
                {
                    Error($"strftime() expects a string literal ({TypeWord(types[0])} provided)", c.Span);
                    return TraceType.Strftime("");
                }
                if (!types[1].IsInteger && types[1].Kind != TypeKind.None)
                    Error($"strftime() only supports integer arguments ({TypeWord(types[1])} provided)", c.Span);
                return TraceType.Strftime(sf.Value);
            case "kaddr":
            case "cgroupid":
                if (!Count(1, 1))
                    return TraceType.UInt64;
                if (args[0] is not StringLiteral)
                    Error($"{c.Name}() expects a string literal ({TypeWord(types[0])} provided)", c.Span);
                return TraceType.UInt64;
            case "uaddr":
                return UaddrType(c, types);
            case "macaddr":
            {
                if (!Count(1, 1))
                    return TraceType.MacAddress();
                var t = types[0];
                if (!t.IsInteger && t.Kind is not (TypeKind.Pointer or TypeKind.Array or TypeKind.String or TypeKind.Buffer or TypeKind.None))
                    Error($"macaddr() only supports array or pointer arguments ({TypeWord(t)} provided)", c.Span);
                if (t.Kind is TypeKind.Array or TypeKind.String or TypeKind.Buffer && t.Size != 6)
                    Error("macaddr() argument must be 6 bytes in size", c.Span);
                if (args[0] is StringLiteral)
                    Error("macaddr() does not support literal string arguments", c.Span);
                return TraceType.MacAddress();
            }
            case "path":
                // bpftrace 0.17: d_path only exists for kfunc/kretfunc/iter programs (none run here).
                Error("BPF_FUNC_d_path not available for your kernel version", c.Span);
                Error("The path function can only be used with 'kfunc', 'kretfunc', 'iter' probes", c.Span);
                return TraceType.String(StringSize);
            case "offsetof":
            {
                // bpftrace 0.17 has no offsetof (0.18 added it): SharpBpf takes offsetof(struct NAME, field).
                if (!Count(2, 2))
                    return TraceType.UInt64;
                if (args[0] is not Builtin { Name: var structName } || !structName.StartsWith("struct ", StringComparison.Ordinal) && !structName.StartsWith("union ", StringComparison.Ordinal)
                    || args[1] is not Builtin { Name: var fieldName })
                {
                    Error("offsetof() expects a struct or union type and a field name", c.Span);
                    return TraceType.UInt64;
                }
                var rec = _env.Types.Struct(structName);
                if (rec is null)
                    Error($"Unknown struct/union: '{structName}'", args[0].Span);
                else if (!_env.Types.TryField(rec, fieldName, out _, out _))
                    Error($"Struct/union of type '{structName}' does not contain a field named '{fieldName}'", c.Span);
                return TraceType.UInt64;
            }
            case "override":
            case "reg":
            case "uptr":
            case "kptr":
                Error($"{c.Name}() is not supported by SharpBpf yet", c.NameSpan);
                return TraceType.None;
            default:
                Error($"Unknown function: {c.Name}", c.NameSpan);
                return TraceType.None;
        }
    }

    private TraceType UaddrType(Call c, TraceType[] types)
    {
        if (!Count1())
            return TraceType.Pointer(TraceType.Int64, user: true);
        if (c.Arguments[0] is not StringLiteral name)
        {
            Error($"uaddr() expects a string literal ({TypeWord(types[0])} provided)", c.Span);
            return TraceType.Pointer(TraceType.Int64, user: true);
        }
        bool uprobe = _kind is ProbeKind.Uprobe or ProbeKind.Uretprobe;
        if (!uprobe)
            Error($"uaddr can not be used with \"{(_kind is ProbeKind.Begin ? "BEGIN" : _kind is ProbeKind.End ? "END" : _attach.Provider)}\" probes", c.Span);
        string bin = uprobe && _attach.Parts.Count > 0 ? _attach.Parts[0] : "";
        var sym = uprobe ? UserDataSymbol(bin, name.Value) : null;
        if (sym is null)
        {
            Error($"Could not resolve symbol: {bin}:{name.Value}", c.Span);
            return TraceType.Pointer(TraceType.Int64, user: true);
        }
        var element = sym.Value.Size switch { 1 => TraceType.Integer(1, true), 2 => TraceType.Integer(2, true), 4 => TraceType.Integer(4, true), _ => TraceType.Int64 };
        return TraceType.Pointer(element, user: true);

        bool Count1()
        {
            if (c.Arguments.Count == 1)
                return true;
            Error($"uaddr() requires 1 argument ({c.Arguments.Count} provided)", c.Span);
            return false;
        }
    }

    /// <summary>
    /// uaddr()'s symbol: a non-function symbol of the uprobe's binary (bpftrace 0.17 resolves every symbol
    /// type but STT_FUNC), or null.
    /// </summary>
    internal static ElfSymbolTable.Symbol? UserDataSymbol(string binary, string name)
    {
        try
        {
            // the binary as the attach point parser resolved it (bpftrace's ap.target)
            foreach (var s in ElfSymbolTable.Load(UprobeTargets.Resolve(binary).Binary).Symbols)
            {
                if (!s.IsFunction && s.Name == name)
                    return s;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or Core.Diagnostics.BpfFormatException)
        {
        }
        return null;
    }

    /// <summary>A signal's number from its name (<c>SIGKILL</c>, <c>KILL</c>, <c>9</c>), or null.</summary>
    public static int? SignalNumber(string name)
    {
        if (int.TryParse(name, out int n))
            return n is > 0 and < 65 ? n : null;
        string bare = name.StartsWith("SIG", StringComparison.Ordinal) ? name[3..] : name;
        return bare switch
        {
            "HUP" => 1, "INT" => 2, "QUIT" => 3, "ILL" => 4, "TRAP" => 5, "ABRT" => 6, "BUS" => 7, "FPE" => 8, "KILL" => 9,
            "USR1" => 10, "SEGV" => 11, "USR2" => 12, "PIPE" => 13, "ALRM" => 14, "TERM" => 15, "STKFLT" => 16, "CHLD" => 17,
            "CONT" => 18, "STOP" => 19, "TSTP" => 20, "TTIN" => 21, "TTOU" => 22, "URG" => 23, "XCPU" => 24, "XFSZ" => 25,
            "VTALRM" => 26, "PROF" => 27, "WINCH" => 28, "IO" => 29, "PWR" => 30, "SYS" => 31,
            _ => null,
        };
    }

    private void CheckFormat(Call c, string format, TraceType[] types)
    {
        var specs = FormatSpecifiers.Parse(format);
        int supplied = types.Length - 1;
        if (specs.Count > supplied)
        {
            Error($"{c.Name}: Not enough arguments for format string ({supplied} supplied, {specs.Count} expected)", c.Span);
            return;
        }
        if (specs.Count < supplied)
        {
            Error($"{c.Name}: Too many arguments for format string ({supplied} supplied, {specs.Count} expected)", c.Span);
            return;
        }
        for (int i = 0; i < specs.Count; i++)
        {
            var t = types[i + 1];
            char conv = specs[i];
            bool integerConv = conv is 'd' or 'i' or 'u' or 'x' or 'X' or 'o' or 'c' or 'p';
            if (integerConv && !(t.IsInteger || t.Kind is TypeKind.Pointer or TypeKind.Count or TypeKind.Sum or TypeKind.Min or TypeKind.Max or TypeKind.Avg or TypeKind.None))
                Error($"{c.Name}: %{conv} specifier expects a value of type integer ({TypeWord(t)} supplied)", c.Span);
        }
    }

    private static string TypeWord(TraceType t) => t.Kind switch
    {
        TypeKind.String => "string",
        TypeKind.Tuple => "tuple",
        _ => t.Kind.ToString().ToLowerInvariant(),
    };

    private TraceType BinaryType(Binary b)
    {
        var l = Visit(b.Left);
        var r = Visit(b.Right);
        if (l.Kind == TypeKind.None || r.Kind == TypeKind.None)
            return TraceType.Int64;
        bool comparison = b.Op is "==" or "!=" or "<" or ">" or "<=" or ">=";
        if (l.Kind == TypeKind.String || r.Kind == TypeKind.String)
        {
            if (l.Kind != r.Kind)
            {
                Error($"Type mismatch for '{b.Op}': comparing '{l}' with '{r}'", b.Span);
                return TraceType.Int64;
            }
            if (b.Op is not ("==" or "!="))
                Error($"The {b.Op} operator can not be used on expressions of types {l}, {r}", b.OpSpan);
            return TraceType.UInt64;
        }
        bool lInt = l.IsInteger || l.Kind == TypeKind.Pointer, rInt = r.IsInteger || r.Kind == TypeKind.Pointer;
        if (!lInt || !rInt)
        {
            if (comparison)
                Error($"Type mismatch for '{b.Op}': comparing '{l}' with '{r}'", b.Span);
            else
                Error($"The {b.Op} operator can not be used on expressions of types {l}, {r}", b.Span);
            return TraceType.Int64;
        }
        if (comparison || b.Op is "&&" or "||")
            return TraceType.UInt64;
        if (l.Kind == TypeKind.Pointer && b.Op is "+" or "-" && r.IsInteger)
            return l;
        return TraceType.Integer(8, l.IsSigned && r.IsSigned || (l.IsSigned && b.Right is IntegerLiteral) || (r.IsSigned && b.Left is IntegerLiteral));
    }

    private TraceType FieldType(FieldAccess f)
    {
        var t = Visit(f.Target);
        if (t.Kind == TypeKind.None)
            return TraceType.None;
        if (t.Kind == TypeKind.Tuple)
        {
            if (!int.TryParse(f.Field, out int index) || index < 0 || index >= t.Elements.Count)
            {
                Error($"Invalid tuple index: {f.Field}. Found {t.Elements.Count} elements in tuple.", f.Span);
                return TraceType.None;
            }
            return t.Elements[index];
        }
        if (t.Kind == TypeKind.Pointer && t.IsContext)
        {
            if (_kind != ProbeKind.Tracepoint)
                return TraceType.UInt64;
            var ap = _attach;
            var fields = ap.Parts.Count == 2 ? _env.TracepointFields(ap.Parts[0], ap.Parts[1]) : null;
            if (fields is null)
                return TraceType.None;
            foreach (var field in fields)
            {
                if (field.Name == f.Field)
                    return TracepointTypes.Of(field);
            }
            Error($"Struct/union of type 'struct _tracepoint_{ap.Parts[0]}_{ap.Parts[1]}' does not contain a field named '{f.Field}'", f.Span);
            return TraceType.None;
        }
        TraceType record;
        if (t.Kind == TypeKind.Pointer)
        {
            if (!f.Arrow)
            {
                Error($"Can not access field '{f.Field}' on type '{t}'. Try dereferencing it first, or using '->'", f.Span);
                return TraceType.None;
            }
            if (t.Element is not { Kind: TypeKind.Record } el)
            {
                Error($"Can not access field '{f.Field}' on expression of type '{t}'", f.Span);
                return TraceType.None;
            }
            record = el;
        }
        else if (t.Kind == TypeKind.Record)
        {
            if (f.Arrow)
            {
                Error($"Can not access field '{f.Field}' on type '{t}'. Try accessing it directly with '.'", f.Span);
                return TraceType.None;
            }
            record = t;
        }
        else
        {
            Error($"Can not access field '{f.Field}' on expression of type '{t}'", f.Span);
            return TraceType.None;
        }
        if (record.BtfId == 0 && record.StructName is { } sn && _env.Types.Struct(sn) is { } resolved)
            record = resolved;
        if (!_env.Types.TryField(record, f.Field, out _, out var ft))
        {
            Error($"Struct/union of type '{record.StructName}' does not contain a field named '{f.Field}'", f.Span);
            return TraceType.None;
        }
        return ft;
    }

    private TraceType CastType(Cast c)
    {
        var t = Visit(c.Operand);
        if (c.TypeName.StartsWith("struct ", StringComparison.Ordinal) || c.TypeName.StartsWith("union ", StringComparison.Ordinal))
        {
            var record = _env.Types.Struct(c.TypeName);
            if (record is null)
            {
                Error($"Unknown struct/union: '{c.TypeName}'", c.Span);
                return TraceType.None;
            }
            if (c.PointerDepth == 0)
            {
                Error($"Cannot cast to \"{c.TypeName}\"", c.Span);
                return TraceType.None;
            }
            return TraceType.Pointer(record, user: t.IsUser);
        }
        var target = IntegerCast(c.TypeName);
        if (target is null)
        {
            Error($"Cannot resolve unknown type \"{c.TypeName}\"", c.Span);
            return TraceType.None;
        }
        if (c.PointerDepth > 0)
            return TraceType.Pointer(target, user: t.IsUser);
        if (!t.IsInteger && t.Kind != TypeKind.Pointer && t.Kind != TypeKind.None)
            Error($"Cannot cast from \"{t}\" to \"{target}\"", c.Span);
        return target;
    }

    /// <summary>The integer type a cast names (<c>uint8</c>, <c>unsigned int</c>, <c>long</c>), or null.</summary>
    public static TraceType? IntegerCast(string name) => name switch
    {
        "int8" or "s8" or "char" or "signed char" => TraceType.Integer(1, true),
        "uint8" or "u8" or "unsigned char" or "bool" => TraceType.Integer(1, false),
        "int16" or "s16" or "short" => TraceType.Integer(2, true),
        "uint16" or "u16" or "unsigned short" => TraceType.Integer(2, false),
        "int32" or "s32" or "int" or "signed" or "signed int" => TraceType.Integer(4, true),
        "uint32" or "u32" or "unsigned" or "unsigned int" => TraceType.Integer(4, false),
        "int64" or "s64" or "long" or "long long" or "signed long" => TraceType.Int64,
        "uint64" or "u64" or "unsigned long" or "unsigned long long" => TraceType.UInt64,
        "void" => TraceType.Integer(1, false),
        _ => null,
    };
}
