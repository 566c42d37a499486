using SharpBpf.Core;
using SharpBpf.Verifier.Domains;
using SharpBpf.Verifier.Programs;

namespace SharpBpf.Verifier.Passes;

internal sealed partial class Analyzer
{
    private const int BpfLoopMax = 1 << 23; // BPF_MAX_LOOPS

    private Violation? CheckHelper(AbstractState st, int pc, int id) => HelperArguments(st, pc, HelperPrototypes.Find(id)!, apply: false, out _, out _);

    /// <summary>
    /// Checks a helper's arguments against its prototype (check_helper_call, check_func_arg), and
    /// with <paramref name="apply"/> performs their effects on the state (memory the helper
    /// writes). Returns the map argument's index and the constant allocation size, if any.
    /// </summary>
    private Violation? HelperArguments(AbstractState st, int pc, HelperPrototype proto, bool apply, out int mapIndex, out long allocSize)
    {
        mapIndex = -1;
        allocSize = 0;
        var regs = st.Regs;
        string name = proto.Name;
        for (int i = 0; i < proto.Args.Length; i++)
        {
            int r = i + 1;
            var kind = proto.Args[i];
            var v = regs[r];
            if (kind == ArgKind.None)
                continue;
            if (!v.IsInit)
                return new Violation(VerifierDiagnosticIds.UninitializedRegister, "a helper's arguments must all be set before the call",
                    $"{name} takes {proto.Args.Length} argument{(proto.Args.Length == 1 ? "" : "s")} (r1-r{proto.Args.Length}), and r{r} is not initialised",
                    "calls leave r1-r5 undefined: set every argument after the previous call", r);
            string arg = $"argument {r} of {name} (r{r})";
            switch (kind)
            {
                case ArgKind.Anything:
                    if (v.IsPointer && !_opt.Privileged)
                        return new Violation(VerifierDiagnosticIds.PointerLeak, "a pointer (a kernel address) must not be passed where the helper takes a number",
                            $"{arg} is {Describe(v)}; the helper would get its address as a number", null, r);
                    break;
                case ArgKind.ConstMapPtr:
                {
                    if (v.Type != RegisterType.MapPtr || v.MaybeNull)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"{arg} must be a map, as `lddw r{r}, map` gives it",
                            $"{arg} is {Describe(v)}, expected a map (type {RegisterTypeNames.Name(v.Type, v.Flags)}, expected map_ptr)",
                            v.MaybeNull ? NullHint(v, r) : $"load the map right before the call: `r{r} = map[name] ll`", r);
                    mapIndex = v.Map;
                    var map = _maps[v.Map];
                    if (proto.MapTypes is { } types && Array.IndexOf(types, map.Type) < 0)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"{name} works on maps of type {string.Join(" or ", types.Select(t => UapiNames.NameOf(t)))}",
                            $"map {map.Name} is a {UapiNames.NameOf(map.Type)} map", null, r);
                    if (proto.MapTypes is null && map.Type is MapType.ProgArray or MapType.PerfEventArray or MapType.Ringbuf or MapType.StackTrace)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"{name} does not work on {UapiNames.NameOf(map.Type)} maps",
                            $"map {map.Name} is a {UapiNames.NameOf(map.Type)} map; {name} cannot use it",
                            map.Type == MapType.Ringbuf ? "use bpf_ringbuf_reserve/submit or bpf_ringbuf_output" : map.Type == MapType.ProgArray ? "a prog_array is used by bpf_tail_call" : null, r);
                    break;
                }
                case ArgKind.MapKey:
                case ArgKind.MapValue:
                {
                    if (mapIndex < 0)
                        break;
                    var map = _maps[mapIndex];
                    int size = kind == ArgKind.MapKey ? map.KeySize : map.ValueSize;
                    var bad = HelperMemory(st, pc, r, v, size, read: true, apply, $"{name} ({(kind == ArgKind.MapKey ? "the key" : "the value")} of {map.Name}, {size} bytes, through r{r})");
                    if (bad is not null)
                        return bad;
                    break;
                }
                case ArgKind.ReadMem:
                case ArgKind.ReadMemOrNull:
                case ArgKind.WriteMem:
                {
                    var sizeReg = regs[r + 1];
                    var sizeKind = proto.Args[i + 1];
                    if (!sizeReg.IsInit)
                        return new Violation(VerifierDiagnosticIds.UninitializedRegister, "a helper's arguments must all be set before the call",
                            $"r{r + 1} (the size of argument {r} of {name}) is not initialised", null, r + 1);
                    if (sizeReg.IsPointer)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, "a memory size is a number", $"r{r + 1} is {Describe(sizeReg)}", null, r + 1);
                    var s = sizeReg.Value;
                    if (s.SMin < 0)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, "a memory size must be known not to be negative",
                            $"the size of argument {r} of {name} (r{r + 1}) can be negative: {s}", "use an unsigned size, or `size &= N`", r + 1);
                    if (s.UMin == 0 && sizeKind == ArgKind.ConstSize)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"the size given to {name} must not be zero",
                            $"r{r + 1} (the size of argument {r}) can be 0: {s}", $"check it first: `if (size == 0) goto <skip>`", r + 1);
                    if (s.UMax >= 1 << 29)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, "a memory size must be bounded",
                            $"the size of argument {r} of {name} (r{r + 1}) is not bounded: {s}", "bound it: `if (size > N) size = N;` or `size &= N - 1`", r + 1);
                    if (kind == ArgKind.ReadMemOrNull && v.IsNull)
                        break;
                    if (s.UMax == 0)
                        break;
                    var bad = HelperMemory(st, pc, r, v, (int)s.UMax, read: kind != ArgKind.WriteMem, apply,
                        $"{name} ({(kind == ArgKind.WriteMem ? "writing" : "reading")} up to {s.UMax} bytes through r{r})");
                    if (bad is not null)
                        return bad;
                    break;
                }
                case ArgKind.ConstSize:
                case ArgKind.ConstSizeOrZero:
                    break; // checked with the memory argument before it
                case ArgKind.ConstAllocSize:
                    if (v.IsPointer || !v.Value.IsConst)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"the size {name} allocates must be a known constant",
                            $"{arg} is {Describe(v)}", "pass a constant such as sizeof(struct event)", r);
                    allocSize = (long)v.Value.ConstValue;
                    break;
                case ArgKind.Ctx:
                    if (v.Type != RegisterType.Ctx || v.Off != 0 || v.IsVariable)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"{arg} must be the context pointer the program was given, unmodified",
                            $"{arg} is {Describe(v)}", "keep r1 from the start of the program in a callee-saved register (r6) and pass that", r);
                    break;
                case ArgKind.StackOrNull:
                    if (!(v.Type == RegisterType.Stack || v.IsNull))
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"{arg} must be a pointer to the stack or NULL",
                            $"{arg} is {Describe(v)}", null, r);
                    break;
                case ArgKind.Func:
                    if (v.Type != RegisterType.Func)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"{arg} must be a function's address",
                            $"{arg} is {Describe(v)}", null, r);
                    break;
                case ArgKind.RingbufMem:
                    if (v.MaybeNull && v.Type == RegisterType.Mem)
                        return new Violation(VerifierDiagnosticIds.NullDereference, "a ring buffer record must be checked against NULL before it is submitted or discarded",
                            $"{arg} is {Describe(v)}{OriginNote(v)}", NullHint(v, r), r);
                    if (v.Type != RegisterType.Mem || v.RefId == 0)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"{arg} must be a record from bpf_ringbuf_reserve",
                            $"{arg} is {Describe(v)}", null, r);
                    if (v.Off != 0 || v.IsVariable)
                        return new Violation(VerifierDiagnosticIds.InvalidHelperArgument, $"{arg} must be the pointer bpf_ringbuf_reserve returned, unmoved",
                            $"{arg} points {OffsetText(v)} bytes into the record", "pass the original pointer", r);
                    break;
            }
        }
        return null;
    }

    /// <summary>A helper's access to memory through a pointer argument (check_helper_mem_access).</summary>
    private Violation? HelperMemory(AbstractState st, int pc, int r, RegisterValue v, int size, bool read, bool apply, string who)
    {
        if (v.Type == RegisterType.Stack && !v.IsVariable && read && !_opt.Privileged)
        {
            var stack = st.Frames[v.Frame].Stack;
            for (int o = v.Off; o < v.Off + size && o < 0; o++)
            {
                if (stack.SpillAt(o) is { } sp && sp.Value.IsPointer)
                    return new Violation(VerifierDiagnosticIds.PointerLeak, "memory a helper reads must not contain spilled pointers",
                        $"{who}: the bytes at fp{o & ~7} hold {Describe(sp.Value)}", null, r);
            }
        }
        var bad = Access(st, pc, r, 0, size, read ? AccessKind.Read : AccessKind.Write, read ? null : RegisterValue.UnknownScalar(pc), -1, apply: false, helper: who, out _);
        if (bad is not null)
            return bad;
        if (apply && !read && v.Type == RegisterType.Stack)
        {
            // The helper fills the buffer: those stack bytes are now initialised data.
            long lo = v.Off + (v.IsVariable ? v.Value.SMin : 0), hi = v.Off + (v.IsVariable ? v.Value.SMax : 0);
            st.Frames[v.Frame].Stack.WriteVariable((int)lo, (int)hi, size, zero: false, initialiseInvalid: true);
        }
        return null;
    }

    private int Call(AbstractState st, int pc, Instruction insn, List<Successor> successors, out Violation? violation)
    {
        violation = null;
        int next = pc + 1;
        var regs = st.Regs;
        if (insn.Src == (int)CallSource.Local)
        {
            int target = ControlFlowGraph.Target(_program, pc);
            var frame = new FrameState(st.Depth + 1) { CallSite = pc, Entry = target, Kind = FrameKind.Call };
            for (int r = 1; r <= 5; r++)
                frame.Regs[r] = regs[r];
            for (int r = 0; r <= 5; r++)
                regs[r] = RegisterValue.NotInit;
            if (TrySummarisedCall(st, frame, pc, target))
                return -1; // an earlier call's results cover this one: they come back through its summary
            st.Frames.Add(frame);
            successors.Add(new Successor(st, target, pc));
            return -1;
        }

        var proto = HelperPrototypes.Find(insn.Immediate)!;
        violation = HelperArguments(st, pc, proto, apply: true, out int mapIndex, out long allocSize);
        if (violation is not null)
            return -1;
        bool neverNull = proto.Return == ReturnKind.MapValueOrNull && ConstantArrayKey(st, mapIndex);
        RegisterValue callbackCtx = regs[3];
        RegisterValue func = proto.CallbackArg > 0 ? regs[proto.CallbackArg] : RegisterValue.NotInit;

        if (proto.Args.Contains(ArgKind.RingbufMem))
        {
            int refId = regs[1].RefId;
            st.References.RemoveAll(x => x.Id == refId);
            st.MapAll(v => v.RefId == refId ? RegisterValue.NotInit : v);
        }
        if (proto.ChangesPacketData)
        {
            // The packet may have moved: every pointer into it is stale (clear_all_pkt_pointers).
            st.MapAll(v => v.Type is RegisterType.Packet or RegisterType.PacketEnd or RegisterType.PacketMeta ? RegisterValue.UnknownScalar(pc) : v);
            st.PacketLength = 0;
        }
        for (int r = 1; r <= 5; r++)
            regs[r] = RegisterValue.NotInit;
        regs[0] = proto.Return switch
        {
            ReturnKind.Integer => RegisterValue.UnknownScalar(pc),
            ReturnKind.Integer32 => RegisterValue.OfScalar(Scalar.OfSize(4), pc),
            ReturnKind.Void => RegisterValue.NotInit,
            ReturnKind.MapValueOrNull => neverNull ? LookupResult(mapIndex, pc) with { Flags = RegisterFlags.None, Id = 0 } : LookupResult(mapIndex, pc),
            ReturnKind.RingbufMemOrNull => ReserveResult(st, allocSize, pc),
            _ => RegisterValue.UnknownScalar(pc),
        };

        if (proto.CallbackArg > 0)
        {
            // bpf_loop: the callback runs 0..nr_loops times on top of this frame; each run may see the last one's effects.
            var cb = st.Clone();
            PushCallback(cb, pc, func.Frame, callbackCtx, proto.Id);
            successors.Add(new Successor(cb, func.Frame, pc));
            regs[0] = RegisterValue.OfScalar(Scalar.FromUnsigned(0, BpfLoopMax), pc);
        }
        return next;
    }

    /// <summary>
    /// A lookup in an array map with a constant key below max_entries cannot fail: the kernel
    /// (6.13+, get_constant_map_key / can_elide_value_nullness) returns a value that needs no NULL check.
    /// </summary>
    private bool ConstantArrayKey(AbstractState st, int mapIndex)
    {
        if (mapIndex < 0 || _maps[mapIndex] is not { Type: MapType.Array or MapType.PercpuArray, KeySize: 4 } map)
            return false;
        var key = st.Regs[2];
        if (key.Type != RegisterType.Stack || key.IsVariable)
            return false;
        var stack = st.Frames[key.Frame].Stack;
        if (!stack.IsInitialised(key.Off, 4, out _))
            return false;
        var v = stack.Clone().Read(key.Off, 4, out _);
        return v.Type == RegisterType.Scalar && v.Value.IsConst && v.Value.ConstValue < (ulong)map.MaxEntries;
    }

    private void PushCallback(AbstractState st, int callSite, int entry, RegisterValue ctx, int helper)
    {
        var frame = new FrameState(st.Depth + 1) { CallSite = callSite, Entry = entry, Kind = FrameKind.Callback, CallbackHelper = helper };
        frame.Regs[1] = RegisterValue.OfScalar(Scalar.FromUnsigned(0, BpfLoopMax - 1), callSite);
        frame.Regs[2] = ctx;
        var caller = st.Regs;
        for (int r = 0; r <= 5; r++)
            caller[r] = RegisterValue.NotInit;
        st.Frames.Add(frame);
        st.Current.CallbackContext = ctx;
    }

    private RegisterValue LookupResult(int mapIndex, int pc)
    {
        var map = _maps[mapIndex];
        if (map.IsMapOfMaps && map.InnerMap is { } inner)
        {
            int innerIndex = _maps.IndexOf(inner);
            return RegisterValue.Pointer(RegisterType.MapPtr, map: innerIndex, flags: RegisterFlags.MaybeNull, id: FreshId(), origin: pc);
        }
        return RegisterValue.Pointer(RegisterType.MapValue, map: mapIndex, flags: RegisterFlags.MaybeNull, id: FreshId(), origin: pc);
    }

    private RegisterValue ReserveResult(AbstractState st, long size, int pc)
    {
        int refId = FreshId();
        st.References.Add(new AcquiredReference(refId, pc));
        return RegisterValue.Pointer(RegisterType.Mem, range: (int)Math.Min(size, int.MaxValue), flags: RegisterFlags.MaybeNull, id: FreshId(), origin: pc) with { RefId = refId };
    }

    // ---------------------------------------------------------------- exit

    private Violation? CheckReturn(AbstractState st, int pc)
    {
        var r0 = st.Regs[0];
        var frame = st.Current;
        if (frame.Kind == FrameKind.Callback)
        {
            if (r0.Type != RegisterType.Scalar || r0.Value.UMax > 1)
                return new Violation(VerifierDiagnosticIds.InvalidReturnValue, "a bpf_loop callback returns 0 (go on) or 1 (stop)",
                    $"the callback returns {Describe(r0)}", "end the callback with `return 0;` or `return 1;`", 0);
            return null;
        }
        if (frame.Kind == FrameKind.Call)
        {
            if (r0.Type == RegisterType.Stack && r0.Frame == st.Depth)
                return new Violation(VerifierDiagnosticIds.PointerLeak, "a function must not return a pointer to its own stack: the frame is gone after the return",
                    $"r0 is {Describe(r0)}", "return a pointer into the caller's stack (passed as an argument), or copy the data", 0);
            return null;
        }
        if (st.References.Count > 0)
        {
            var leaked = st.References[0];
            return new Violation(VerifierDiagnosticIds.UnreleasedReference, "every ring buffer record reserved must be submitted or discarded on every path",
                $"the record reserved by bpf_ringbuf_reserve at pc {leaked.Pc} is neither submitted nor discarded on this path",
                "call bpf_ringbuf_submit(rec, 0) or bpf_ringbuf_discard(rec, 0) before every return");
        }
        if (r0.IsPointer && !_opt.Privileged)
            return new Violation(VerifierDiagnosticIds.PointerLeak, "the program's return value must be a number, not a pointer (a kernel address)",
                $"r0 is {Describe(r0)} at exit", "return a status code", 0);
        if (_ctx.ReturnRange is { } range)
        {
            if (r0.Type != RegisterType.Scalar || r0.Value.SMin < range.Min || r0.Value.SMax > range.Max || r0.Value.UMax > (ulong)range.Max)
                return new Violation(VerifierDiagnosticIds.InvalidReturnValue,
                    $"a {UapiNames.NameOf(_ctx.Type)} program returns a value in [{range.Min}, {range.Max}]",
                    $"r0 at exit is {Describe(r0)}", $"return a value between {range.Min} and {range.Max}", 0);
        }
        return null;
    }

    private int Exit(AbstractState st, int pc, List<Successor> successors, out Violation? violation)
    {
        violation = null;
        if (st.Depth == 0)
            return -1; // the program ends here; CheckReturn has checked r0 and references.
        var callee = st.Current;
        var r0 = callee.Regs[0];
        st.Frames.RemoveAt(st.Frames.Count - 1);
        int returnPc = callee.CallSite + 1;
        // Returning from a callee is, for loops around the call, an edge from the call site.
        _edgeLoopFrom = callee.CallSite;
        if (callee.Kind == FrameKind.Callback)
        {
            // The helper may call the callback again with the state it left.
            var again = st.Clone();
            PushCallback(again, callee.CallSite, callee.Entry, callee.CallbackContext, callee.CallbackHelper);
            successors.Add(new Successor(again, callee.Entry, callee.CallSite));
            st.Regs[0] = RegisterValue.OfScalar(Scalar.FromUnsigned(0, BpfLoopMax), callee.CallSite);
        }
        else
        {
            st.Regs[0] = r0;
            if (callee.Summary is { } summary)
                SummaryExit(summary, r0, pc);
        }
        return returnPc;
    }
}
