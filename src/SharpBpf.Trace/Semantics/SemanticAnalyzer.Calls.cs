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
            case "cpid":
                if (!_env.HasChild)
                    Error("cpid cannot be used without child command", b.Span);
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
        bool direct = ReferenceEquals(_directCall, c), toMap = _directToMap;
        _directCall = null;
        // bpftrace checks unsafe-ness first, "the most pertinent issue" (semantic_analyser.cpp, visit(Call))
        if (c.Name is "system" or "signal" && !_env.Unsafe)
            Error($"{c.Name}() is an unsafe function being used in safe mode", c.Span);
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
            if (c.Name == "sizeof" && args[i] is Builtin { Name: var typeName } typeArg && SizeofType(typeName) is { } sized)
            {
                types[i] = typeArg.Type = sized;
                continue;
            }
            if (c.Name is "kstack" or "ustack" && IsStackMode(args[i]))
            {
                types[i] = TraceType.None; // a stack mode literal, read by the call itself
                continue;
            }
            types[i] = Visit(args[i]);
        }

        // check_available: signal needs a task context
        if (c.Name == "signal")
            Available(c, kind => kind is not (ProbeKind.Interval or ProbeKind.Software or ProbeKind.Hardware or ProbeKind.Watchpoint));
        if (direct && c.Name is "printf" or "system" or "cat" or "exit" or "print" or "clear" or "zero" or "time" or "delete" or "join" or "signal")
        {
            // check_assignment(call, false, false, false)
            Error($"{c.Name}() should not be used in an assignment or as a map key", c.Span);
            return TraceType.None;
        }

        if (c.Name is "count" or "sum" or "min" or "max" or "avg" or "stats" or "hist" or "lhist" && !(direct && toMap))
        {
            // check_assignment(call, true, false, false)
            Error($"{c.Name}() should be directly assigned to a map", c.Span);
            return TraceType.None;
        }

        bool Count(int min, int max)
        {
            if (args.Count >= min && args.Count <= max)
                return true;
            if (min == max && min == 0)
                Error($"{c.Name}() requires no arguments ({args.Count} provided)", c.Span);
            else if (min == max)
                Error($"{c.Name}() requires {(min == 1 ? "one argument" : min + " arguments")} ({args.Count} provided)", c.Span);
            else if (args.Count < min)
                Error($"{c.Name}() requires at least {(min == 1 ? "one argument" : min + " arguments")} ({args.Count} provided)", c.Span);
            else
                Error($"{c.Name}() takes up to {(max == 1 ? "one argument" : max + " arguments")} ({args.Count} provided)", c.Span);
            return false;
        }

        void RequireInteger(int i, string what)
        {
            if (i < types.Length && AggregationRead(args[i]) is { } aggregation)
                Error($"{c.Name}() only supports integer arguments ({aggregation} provided)", c.Span);
            else if (i < types.Length && !types[i].IsInteger && types[i].Kind != TypeKind.None)
                Error($"{c.Name}() only supports integer arguments ({TypeWord(types[i])} provided)", c.Span);
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
                if (max - min < step)
                    Error($"lhist() step is too large for the given range (provided step {step} for range {max - min})", c.Span);
                if (min >= 0 && min <= max && step > 0 && (max - min) / step > 1000)
                    Error($"lhist() too many buckets, must be <= 1000 (would need {(max - min) / step})", c.Span);
                return TraceType.Lhist(min.Value, max.Value, step.Value);
            }
            case "printf":
            case "system":
            case "cat":
                if (args.Count == 0)
                {
                    Error($"{c.Name}() requires at least one argument (0 provided)", c.Span);
                    return TraceType.None;
                }
                if (args[0] is not StringLiteral fmt)
                {
                    Error($"{c.Name}() expects a string literal ({TypeWord(types[0])} provided)", c.Span);
                    return TraceType.None;
                }
                CheckFormat(c, fmt.Value, types);
                return TraceType.None;
            case "print":
                if (Count(1, 3) && args.Count > 1 && args[0] is not MapAccess)
                    Error($"Non-map print() only takes 1 argument, {args.Count} found", c.Span);
                else if (args.Count > 1 && args[0] is MapAccess { Keys.Count: > 0 })
                    Error("The map passed to print() should not be indexed by a key", c.Span);
                for (int i = 1; i < args.Count && args[0] is MapAccess; i++)
                {
                    if (ConstantValue(args[i]) is null)
                        Error($"print() expects a integer literal ({TypeWord(types[i])} provided)", c.Span);
                }
                return TraceType.None;
            case "clear":
            case "zero":
                if (Count(1, 1) && args[0] is not MapAccess)
                    Error($"{c.Name}() expects a map to be provided", c.Span);
                else if (args.Count == 1 && args[0] is MapAccess { Keys.Count: > 0 })
                    Error($"The map passed to {c.Name}() should not be indexed by a key", c.Span);
                return TraceType.None;
            case "delete":
                if (Count(1, 1) && args[0] is not MapAccess)
                    Error("delete() expects a map to be provided", c.Span);
                return TraceType.None;
            case "exit":
                Count(0, 0);
                return TraceType.None;
            case "time":
                Count(0, 1);
                if (args.Count == 1 && args[0] is not StringLiteral)
                    Error($"time() expects a string literal ({TypeWord(types[0])} provided)", c.Span);
                return TraceType.None;
            case "str":
            {
                if (!Count(1, 2))
                    return TraceType.String(StringSize);
                var t = types[0];
                // str($1) and str($1 + N) read the parameter's text
                bool positional = args[0] is Positional || args[0] is Binary { Left: Positional } or Binary { Right: Positional };
                if (t.Kind is not (TypeKind.Pointer or TypeKind.Integer) && t.Kind != TypeKind.None && !positional)
                {
                    // bpftrace types a char array as a string
                    string shown = t.Kind == TypeKind.Array && t.Element is { Size: 1 } ? $"string[{t.Length}]" : t.ToString();
                    Error($"str() expects an integer or a pointer type as first argument ({shown} provided)", c.Span);
                }
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
                            Error($"strncmp() only supports string arguments ({TypeWord(types[i])} provided)", c.Span);
                    }
                    if (ConstantValue(args[2]) is not { } size)
                        Error("strncmp() expects an integer literal as third argument", args[2].Span);
                    else if (size < 0)
                        Error("Builtin strncmp requires a non-negative size", c.Span);
                }
                return TraceType.Integer(8, false);
            case "ksym":
            case "usym":
                if (Count(1, 1) && !types[0].IsInteger && types[0].Kind is not (TypeKind.Pointer or TypeKind.None))
                    Error($"{c.Name}() expects an integer or pointer argument", c.Span);
                return TraceType.Of(c.Name == "ksym" ? TypeKind.Ksym : TypeKind.Usym);
            case "signal":
                if (args.Count == 0)
                    Error("signal() requires at least one argument (0 provided)", c.Span);
                else if (args.Count > 1)
                    Error($"signal() takes up to one argument ({args.Count} provided)", c.Span); // check_varargs(1, 1)
                else if (args[0] is StringLiteral sig)
                {
                    if (SignalNumber(sig.Value) is null)
                        Error($"{sig.Value} is not a valid signal", c.Span);
                }
                else if (args[0] is IntegerLiteral num)
                {
                    if (num.Value is < 1 or > 64)
                        Error($"{(long)num.Value} is not a valid signal, allowed range: [1,64]", c.Span);
                }
                else if (!types[0].IsInteger)
                    Error("signal only accepts string literals or integers", c.Span);
                return TraceType.None;
            case "sizeof":
                if (Count(1, 1) && args[0] is Builtin { Name: var sn } && sn.Contains(' ', StringComparison.Ordinal) && types[0] is null)
                {
                    Error($"Unknown identifier: '{sn}'", args[0].Span);
                    args[0].Type = TraceType.UInt64;
                }
                return TraceType.UInt64;
            case "kstack":
            case "ustack":
                return StackCallType(c, types);
            case "buf":
            {
                if (!Count(1, 2))
                    return TraceType.Buffer(1);
                long? len = args.Count == 2 ? ConstantValue(args[1]) : types[0].Kind is TypeKind.String or TypeKind.Array ? types[0].Size : null;
                if (len is null)
                {
                    Error($"buf() expects a length argument for non-array type {TypeWord(types[0])}", c.Span);
                    return TraceType.Buffer(1);
                }
                if (len < 0)
                    Error($"buf cannot use negative length ({len})", c.Span);
                else if (len == 0 || len > 200)
                    Error($"buf() length must be between 1 and 200 ({len} provided)", c.Span);
                return TraceType.Buffer((int)Math.Clamp(len.Value, 1, 200));
            }
            case "ntop":
                if (Count(1, 2))
                {
                    // the address: an integer (IPv4), or 4 or 16 bytes (a string or array: IPv4 or IPv6)
                    if (args.Count == 2)
                        RequireInteger(0, "family");
                    var address = types[^1];
                    if (address.Kind is TypeKind.String or TypeKind.Array)
                    {
                        if (address.Size is not (4 or 16))
                            Error("ntop() argument must be 4 or 16 bytes in size", c.Span);
                    }
                    else
                    {
                        RequireInteger(args.Count - 1, "address");
                    }
                }
                return TraceType.Inet();
            case "pton":
            {
                if (!Count(1, 1))
                    return TraceType.None;
                string text = args[0] is StringLiteral literal ? literal.Value : "";
                if (args[0] is not StringLiteral || Pton(text) is not { } bytes)
                {
                    Error($"pton() expects a valid IPv4/IPv6 address, got {text}", c.Span);
                    return TraceType.None;
                }
                return TraceType.ArrayOf(TraceType.Integer(1, false), bytes.Length);
            }
            case "join":
                if (Count(1, 2))
                {
                    // bpftrace 0.17's message really starts with "()"
                    if (!types[0].IsInteger && types[0].Kind != TypeKind.Pointer && types[0].Kind != TypeKind.None)
                        Error($"() only supports int or pointer arguments ({TypeWord(types[0])} provided)", c.Span);
                    if (args.Count == 2 && args[1] is not StringLiteral)
                        Error($"join() expects a string literal ({TypeWord(types[1])} provided)", c.Span);
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
                return UaddrType(c, types, Count);
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
            case "reg":
            {
                // check_available: a register file (pt_regs) in the probe's context
                Available(c, kind => kind is not (ProbeKind.Tracepoint or ProbeKind.Kfunc or ProbeKind.Kretfunc or ProbeKind.Iter or ProbeKind.RawTracepoint));
                if (!Count(1, 1))
                    return TraceType.UInt64;
                if (args[0] is not StringLiteral register)
                    Error($"reg() expects a string literal ({TypeWord(types[0])} provided)", c.Span);
                else if (ProbeTypes.RegisterOffset(register.Value) is null)
                    Error($"'{register.Value}' is not a valid register on this architecture (x86_64)", c.Span);
                return TraceType.UInt64;
            }
            case "override":
            case "uptr":
            case "kptr":
                Error($"{c.Name}() is not supported by SharpBpf yet", c.NameSpan);
                return TraceType.None;
            default:
                Error($"Unknown function: {c.Name}", c.NameSpan);
                return TraceType.None;
        }
    }

    // 0.17's check_available: "F can not be used with "P" probes" for each of the probe's attach points whose kind
    // the call cannot serve (never BEGIN or END).
    private void Available(Call c, Func<ProbeKind, bool> serves)
    {
        foreach (var ap in _probe.AttachPoints)
        {
            if (ap.Provider is "BEGIN" or "END" || !serves(KindOf(ap)))
                Error($"{c.Name} can not be used with \"{ap.Provider}\" probes", c.Span);
        }
    }

    private TraceType UaddrType(Call c, TraceType[] types, Func<int, int, bool> count)
    {
        // as 0.17's: the probe type first (check_available, for every call), then the arguments; the symbol is
        // looked up in the attach point's first part whatever the type ("ms" for interval:ms:10)
        bool uprobe = _kind is ProbeKind.Uprobe or ProbeKind.Uretprobe;
        if (!uprobe)
            Error($"uaddr can not be used with \"{(_kind is ProbeKind.Begin ? "BEGIN" : _kind is ProbeKind.End ? "END" : _attach.Provider)}\" probes", c.Span);
        if (!count(1, 1))
            return TraceType.Pointer(TraceType.Int64, user: true);
        if (c.Arguments[0] is not StringLiteral name)
        {
            Error($"uaddr() expects a string literal ({TypeWord(types[0])} provided)", c.Span);
            return TraceType.Pointer(TraceType.Int64, user: true);
        }
        string bin = _attach.Parts.Count > 0 ? _attach.Parts[0] : "";
        var sym = uprobe ? UserDataSymbol(bin, name.Value) : null;
        if (sym is null)
        {
            Error($"Could not resolve symbol: {bin}:{name.Value}", c.Span);
            return TraceType.Pointer(TraceType.Int64, user: true);
        }
        var element = sym.Value.Size switch { 1 => TraceType.Integer(1, true), 2 => TraceType.Integer(2, true), 4 => TraceType.Integer(4, true), _ => TraceType.Int64 };
        return TraceType.Pointer(element, user: true);
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
            foreach (var s in ElfSymbolTable.LoadCached(UprobeTargets.Resolve(binary).Binary).Symbols)
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

    /// <summary>
    /// The type <c>sizeof</c> names: <c>struct NAME</c> and <c>union NAME</c> from kernel BTF, or bpftrace's
    /// integer cast names (its Identifier visit types them only inside sizeof); null for anything else.
    /// </summary>
    private TraceType? SizeofType(string name)
    {
        if (name.StartsWith("struct ", StringComparison.Ordinal) || name.StartsWith("union ", StringComparison.Ordinal))
            return _env.Types.Available ? _env.Types.Struct(name) : null;
        return name switch
        {
            "int8" or "uint8" => TraceType.Integer(1, name[0] == 'i'),
            "int16" or "uint16" => TraceType.Integer(2, name[0] == 'i'),
            "int32" or "uint32" => TraceType.Integer(4, name[0] == 'i'),
            "int64" or "uint64" => TraceType.Integer(8, name[0] == 'i'),
            _ => null,
        };
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
        var args = c.Arguments;
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
            // join() as printf's argument: its own error is a final-pass one, so bpftrace's verify_format_string
            // also runs and sees type none (a call failing earlier, as count() does, stops analysis first)
            if (t.Kind == TypeKind.None && args[i + 1] is Call { Name: "join" } or IndexAccess or FieldAccess { Target.Type.Kind: TypeKind.Tuple })
            {
                Error($"{c.Name}: %{conv} specifier expects a value of type {(integerConv ? "integer" : conv == 'r' ? "buffer" : "string")} (none supplied)", c.Span);
                continue;
            }
            // verify_format_string: %s takes a string (symbols, probe, stacks, ntop, strftime, macaddr print as
            // strings), %r a buffer, the others an integer (a pointer prints as one)
            string want = conv switch { 's' => "string", 'r' => "buffer", _ => "integer" };
            string? aggregation = AggregationRead(args[i + 1]);
            if (aggregation is not null)
            {
                Error($"{c.Name}: %{conv} specifier expects a value of type {want} ({aggregation} supplied)", c.Span);
                continue;
            }
            bool fits = t.Kind == TypeKind.None || want switch
            {
                "integer" => t.IsInteger || t.Kind is TypeKind.Pointer or TypeKind.Count or TypeKind.Sum or TypeKind.Min or TypeKind.Max or TypeKind.Avg,
                "string" => PrintfWord(t) == "string",
                _ => t.Kind == TypeKind.Buffer,
            };
            if (!fits)
                Error($"{c.Name}: %{conv} specifier expects a value of type {want} ({PrintfWord(t)} supplied)", c.Span);
        }
    }

    /// <summary>
    /// pton()'s bytes, as 0.17 reads its literal: with a '.', an IPv4 dotted quad (inet_pton's: four decimal parts
    /// of 0-255 without leading zeros); otherwise an IPv6 address; null when it is not one.
    /// </summary>
    internal static byte[]? Pton(string text)
    {
        if (text.Contains('.', StringComparison.Ordinal))
        {
            string[] parts = text.Split('.');
            if (parts.Length != 4)
                return null;
            var bytes = new byte[4];
            for (int i = 0; i < 4; i++)
            {
                if ((parts[i].Length > 1 && parts[i][0] == '0') ||
                    !byte.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out bytes[i]))
                    return null;
            }
            return bytes;
        }
        return text.Contains(':', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal) &&
            System.Net.IPAddress.TryParse(text, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? address.GetAddressBytes() : null;
    }

    // A printf argument's type as 0.17's verify_format_string names it: what prints as text is a string, a pointer
    // an integer.
    private static string PrintfWord(TraceType t) => t.Kind switch
    {
        TypeKind.String or TypeKind.Ksym or TypeKind.Usym or TypeKind.Probe or TypeKind.Username or TypeKind.Kstack
            or TypeKind.Ustack or TypeKind.Inet or TypeKind.Strftime or TypeKind.MacAddress => "string",
        TypeKind.Pointer => "integer",
        _ when t.IsInteger => "integer",
        _ => TypeWord(t),
    };

    private static bool IsStackMode(Expr e) => e is Builtin { Name: "perf" or "bpftrace" };

    // bpftrace 0.17's check_stack_call: kstack([mode][, limit]) with a mode identifier and an integer
    // literal; the limit is checked against MAX_STACK_SIZE (1024) only: 0 and more than the kernel's
    // perf_event_max_stack fail when the stack map is created.
    private TraceType StackCallType(Call c, TraceType[] types)
    {
        var args = c.Arguments;
        bool user = c.Name == "ustack", perf = false;
        ulong limit = (ulong)Planning.ResourcePlan.StackFrames;
        if (args.Count > 2)
        {
            Error($"{c.Name}() takes up to 2 arguments ({args.Count} provided)", c.Span);
            return TraceType.Stack(user, perf, (int)limit);
        }
        void Literal(int i, bool mode)
        {
            if (mode && IsStackMode(args[i]))
                perf = args[i] is Builtin { Name: "perf" };
            else if (!mode && args[i] is IntegerLiteral or Unary { Op: "-", Operand: IntegerLiteral })
                limit = (ulong)ConstantValue(args[i])!.Value;
            else
                Error($"{c.Name}() expects a {(mode ? "stack mode" : "integer")} literal ({StackArgumentWord(args[i], types[i])} provided)", c.Span);
        }
        if (args.Count == 1)
            Literal(0, IsStackMode(args[0]));
        else if (args.Count == 2)
        {
            Literal(0, mode: true);
            Literal(1, mode: false);
        }
        if (limit > 1024)
            Error($"{c.Name}([int limit]): limit shouldn't exceed 1024, {limit} given", c.Span);
        return TraceType.Stack(user, perf, (int)Math.Min(limit, 1024));
    }

    private static string StackArgumentWord(Expr e, TraceType t) => IsStackMode(e) ? "stack mode" : t.IsInteger ? "integer" : TypeWord(t);

    private static string TypeWord(TraceType t) => t.Kind switch
    {
        TypeKind.String => "string",
        TypeKind.Tuple => "tuple",
        TypeKind.Strftime => "timestamp",
        _ => t.Kind.ToString().ToLowerInvariant(),
    };
}
