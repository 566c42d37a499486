using SharpBpf.Core;
using SharpBpf.Trace.Planning;
using SharpBpf.Trace.Semantics;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.CodeGen;

public sealed partial class CodeGenerator
{
    private const int BpfNoExist = 1;

    private MapInfo Info(string name)
    {
        foreach (var m in _plan.Semantics.Maps)
        {
            if (m.Name == name)
                return m;
        }
        throw new KeyNotFoundException(name);
    }

    /// <summary>Builds the stored key of a map access (elements 8-aligned, zero-padded) plus <paramref name="extra"/> bytes; returns its offset.</summary>
    private int BuildKey(MapAccess m, MapInfo info, int extra = 0)
    {
        var stored = info.StoredKey;
        int size = Align8(stored.Size) + extra;
        int off = Alloc(size);
        if (m.Keys.Count == 0)
        {
            Zero(off, size);
            return off;
        }
        if (m.Keys.Count == 1)
        {
            Into(stored, m.Keys[0], off);
            if (extra > 0)
                Zero(off + Align8(stored.Size), extra);
            return off;
        }
        var offsets = stored.TupleOffsets();
        for (int i = 0; i < m.Keys.Count; i++)
            Into(stored.Elements[i], m.Keys[i], off + offsets[i]);
        if (extra > 0)
            Zero(off + Align8(stored.Size), extra);
        return off;
    }

    private void MapReadInt(MapAccess m)
    {
        var info = Info(m.Name);
        int key = BuildKey(m, info, info.Value.Kind is TypeKind.Hist or TypeKind.Lhist ? 8 : 0);
        MapFd(1, _plan.MapIndex(m.Name));
        StackAddress(2, key);
        _e.Call(Helpers.MapLookupElem);
        int missing = _e.NewLabel();
        _e.JumpImm(Opcodes.Jeq, 0, 0, missing);
        if (info.Value.Kind == TypeKind.Min)
        {
            _e.Load(8, 1, 0, 0);
            _e.MovImm(0, -1);
            _e.Mov32Reg(0, 0);
            _e.AluReg(Opcodes.Sub, 0, 1);
        }
        else if (info.Value.Kind is TypeKind.Avg)
        {
            _e.Load(8, 1, 0, 0);
            _e.Load(8, 0, 0, 8);
            _e.AluReg(Opcodes.Div, 0, 1);
        }
        else
        {
            _e.Load(8, 0, 0, 0);
        }
        _e.Mark(missing);
    }

    private void Assign(Assignment a)
    {
        var value = a.Value;
        if (a.CompoundOp is { } op)
            value = new Binary { Op = op, Left = a.Target, Right = a.Value, Span = a.Span, Type = a.Target.Type.IsInteger ? a.Target.Type : TraceType.Int64 };
        if (a.Target is Variable v)
        {
            Into(v.Type, value, _variables[v.Name]);
            return;
        }
        var m = (MapAccess)a.Target;
        var info = Info(m.Name);
        if (value is Call c && info.Value.IsAggregation)
        {
            Aggregate(m, info, c);
            return;
        }
        int val = Alloc(Math.Max(8, Align8(ResourcePlan.StoredSize(info.Value))));
        Into(info.Value, value, val);
        int key = BuildKey(m, info);
        MapFd(1, _plan.MapIndex(m.Name));
        StackAddress(2, key);
        StackAddress(3, val);
        _e.MovImm(4, 0);
        _e.Call(Helpers.MapUpdateElem);
    }

    private void Aggregate(MapAccess m, MapInfo info, Call c)
    {
        var kind = info.Value.Kind;
        int v = Alloc(8);
        if (c.Arguments.Count > 0)
            Int(c.Arguments[0]);
        else
            _e.MovImm(0, 1);
        _e.Store(8, Fp, v, 0);
        bool buckets = kind is TypeKind.Hist or TypeKind.Lhist;
        int key = BuildKey(m, info, buckets ? 8 : 0);
        if (buckets)
        {
            _e.Load(8, 1, Fp, v);
            if (kind == TypeKind.Hist)
                Log2Bucket();
            else
                LinearBucket(info.Value.LhistBounds);
            _e.Store(8, Fp, key + Align8(info.StoredKey.Size), 0);
            _e.MovImm(0, 1);
            _e.Store(8, Fp, v, 0);
        }
        int mapIndex = _plan.MapIndex(m.Name);
        MapFd(1, mapIndex);
        StackAddress(2, key);
        _e.Call(Helpers.MapLookupElem);
        int init = _e.NewLabel(), done = _e.NewLabel();
        _e.JumpImm(Opcodes.Jeq, 0, 0, init);
        _e.Load(8, 2, Fp, v);
        switch (kind)
        {
            case TypeKind.Count:
            case TypeKind.Sum:
            case TypeKind.Hist:
            case TypeKind.Lhist:
                _e.Load(8, 1, 0, 0);
                _e.AluReg(Opcodes.Add, 1, 2);
                _e.Store(8, 0, 0, 1);
                break;
            case TypeKind.Avg:
            case TypeKind.Stats:
                _e.Load(8, 1, 0, 0);
                _e.AluImm(Opcodes.Add, 1, 1);
                _e.Store(8, 0, 0, 1);
                _e.Load(8, 1, 0, 8);
                _e.AluReg(Opcodes.Add, 1, 2);
                _e.Store(8, 0, 8, 1);
                break;
            case TypeKind.Min:
            case TypeKind.Max:
            {
                if (kind == TypeKind.Min)
                    InvertMin(2);
                _e.Load(8, 1, 0, 0);
                _e.JumpReg(Opcodes.Jsle, 2, 1, done);
                _e.Store(8, 0, 0, 2);
                break;
            }
        }
        _e.Jump(done);
        _e.Mark(init);
        int val = Alloc(16);
        _e.Load(8, 2, Fp, v);
        switch (kind)
        {
            case TypeKind.Avg:
            case TypeKind.Stats:
                _e.StoreImm(8, Fp, val, 1);
                _e.Store(8, Fp, val + 8, 2);
                break;
            case TypeKind.Min:
            case TypeKind.Max:
                // bpftrace starts a missing min/max slot at 0 and keeps the larger (min inverted): a
                // max of only negative values never creates the entry, as in bpftrace 0.17.
                if (kind == TypeKind.Min)
                    InvertMin(2);
                _e.JumpImm(Opcodes.Jsle, 2, 0, done);
                _e.Store(8, Fp, val, 2);
                _e.StoreImm(8, Fp, val + 8, 0);
                break;
            default:
                _e.Store(8, Fp, val, 2);
                _e.StoreImm(8, Fp, val + 8, 0);
                break;
        }
        MapFd(1, mapIndex);
        StackAddress(2, key);
        StackAddress(3, val);
        _e.MovImm(4, BpfNoExist);
        _e.Call(Helpers.MapUpdateElem);
        _e.Mark(done);
    }

    // bpftrace keeps min as the max of 0xffffffff - value, so an untouched per-CPU slot (0) never wins.
    private void InvertMin(int reg)
    {
        _e.MovImm(3, -1);
        _e.Mov32Reg(3, 3);
        _e.AluReg(Opcodes.Sub, 3, reg);
        _e.MovReg(reg, 3);
    }

    // r0 = hist bucket of r1: 0 for negatives, 1 for 0, then 2 + floor(log2(v)) (bpftrace's log2).
    private void Log2Bucket()
    {
        int done = _e.NewLabel();
        _e.MovImm(0, 0);
        _e.JumpImm(Opcodes.Jslt, 1, 0, done);
        _e.MovImm(0, 1);
        _e.JumpImm(Opcodes.Jeq, 1, 0, done);
        _e.MovImm(0, 2);
        foreach (int shift in (ReadOnlySpan<int>)[16, 8, 4, 2, 1])
        {
            int skip = _e.NewLabel();
            _e.MovReg(2, 1);
            _e.AluImm(Opcodes.Rsh, 2, shift);
            _e.JumpImm(Opcodes.Jeq, 2, 0, skip);
            _e.MovReg(1, 2);
            _e.AluImm(Opcodes.Add, 0, shift);
            _e.Mark(skip);
        }
        _e.Mark(done);
    }

    // r0 = lhist bucket of r1: 0 below min, (max-min)/step + 1 at or above max, else (v-min)/step + 1.
    private void LinearBucket((long Min, long Max, long Step) b)
    {
        int done = _e.NewLabel(), inRange = _e.NewLabel();
        _e.MovImm(0, 0);
        LoadConstant(2, b.Min);
        _e.JumpReg(Opcodes.Jslt, 1, 2, done);
        LoadConstant(2, b.Max);
        _e.JumpReg(Opcodes.Jslt, 1, 2, inRange);
        LoadConstant(0, (b.Max - b.Min) / b.Step + 1);
        _e.Jump(done);
        _e.Mark(inRange);
        _e.MovReg(0, 1);
        LoadConstant(2, b.Min);
        _e.AluReg(Opcodes.Sub, 0, 2);
        LoadConstant(2, b.Step);
        _e.AluReg(Opcodes.Div, 0, 2);
        _e.AluImm(Opcodes.Add, 0, 1);
        _e.Mark(done);
    }

    private void LoadConstant(int reg, long v)
    {
        if (v is >= int.MinValue and <= int.MaxValue)
            _e.MovImm(reg, (int)v);
        else
            _e.LoadImm64(reg, v);
    }

    private void CallStatement(Call c)
    {
        switch (c.Name)
        {
            case "printf":
            case "cat":
            case "system":
            {
                int index = _plan.IndexOf(c);
                var layout = _plan.Formats[index];
                int rec = Alloc(layout.Size);
                _e.StoreImm(8, Fp, rec, (int)(c.Name switch { "printf" => EventKind.Printf, "cat" => EventKind.Cat, _ => EventKind.System }));
                _e.StoreImm(8, Fp, rec + 8, index);
                for (int i = 0; i < layout.ArgTypes.Count; i++)
                    Into(layout.ArgTypes[i], c.Arguments[i + 1], rec + layout.Offsets[i]);
                Emit(rec, layout.Size);
                return;
            }
            case "exit":
            {
                int rec = Alloc(8);
                _e.StoreImm(8, Fp, rec, (int)EventKind.Exit);
                Emit(rec, 8);
                _e.Jump(_exit);
                return;
            }
            case "print":
            {
                if (c.Arguments[0] is MapAccess { Keys.Count: 0 } pm)
                {
                    int rec = Alloc(32);
                    _e.StoreImm(8, Fp, rec, (int)EventKind.PrintMap);
                    _e.StoreImm(8, Fp, rec + 8, _plan.MapIndex(pm.Name));
                    _e.StoreImm(8, Fp, rec + 16, c.Arguments.Count > 1 ? (int)ConstantOf(c.Arguments[1]) : 0);
                    _e.StoreImm(8, Fp, rec + 24, c.Arguments.Count > 2 ? (int)ConstantOf(c.Arguments[2]) : 0);
                    Emit(rec, 32);
                    return;
                }
                int index = _plan.IndexOf(c);
                var type = _plan.PrintValues[index];
                int size = 16 + Align8(ResourcePlan.StoredSize(type));
                int r = Alloc(size);
                _e.StoreImm(8, Fp, r, (int)EventKind.PrintValue);
                _e.StoreImm(8, Fp, r + 8, index);
                Into(type, c.Arguments[0], r + 16);
                Emit(r, size);
                return;
            }
            case "clear":
            case "zero":
            {
                var target = (MapAccess)c.Arguments[0];
                int rec = Alloc(16);
                _e.StoreImm(8, Fp, rec, (int)(c.Name == "clear" ? EventKind.ClearMap : EventKind.ZeroMap));
                _e.StoreImm(8, Fp, rec + 8, _plan.MapIndex(target.Name));
                Emit(rec, 16);
                return;
            }
            case "time":
            {
                int rec = Alloc(16);
                _e.StoreImm(8, Fp, rec, (int)EventKind.Time);
                _e.StoreImm(8, Fp, rec + 8, _plan.IndexOf(c));
                Emit(rec, 16);
                return;
            }
            case "delete":
            {
                var target = (MapAccess)c.Arguments[0];
                var info = Info(target.Name);
                int key = BuildKey(target, info, info.Value.Kind is TypeKind.Hist or TypeKind.Lhist ? 8 : 0);
                MapFd(1, _plan.MapIndex(target.Name));
                StackAddress(2, key);
                _e.Call(Helpers.MapDeleteElem);
                return;
            }
            case "join":
                Join(c);
                return;
            case "signal":
            {
                var arg = c.Arguments[0];
                if (arg is StringLiteral s)
                    _e.MovImm(0, SemanticAnalyzer.SignalNumber(s.Value) ?? 0);
                else
                    Int(arg);
                _e.MovReg(1, 0);
                _e.Call(Helpers.SendSignal);
                return;
            }
            default:
                if (c.Type.Kind != TypeKind.None)
                {
                    Int(c);
                    return;
                }
                throw new TraceException($"{c.Name}() is not supported by SharpBpf yet", c.Span);
        }
    }

    // join(argv): the record is too big for the stack, so it is reserved in the ring and filled in
    // place: each argv[i] read with probe_read_user, each string with probe_read_user_str, until NULL.
    private void Join(Call c)
    {
        const int Record = 7; // callee-saved: survives the helper calls below
        int size = 16 + ResourcePlan.JoinArgs * ResourcePlan.JoinArgSize;
        int argv = Alloc(8), pointer = Alloc(8);
        Int(c.Arguments[0]);
        _e.Store(8, Fp, argv, 0);
        MapFd(1, _plan.RingMap);
        _e.MovImm(2, size);
        _e.MovImm(3, 0);
        _e.Call(Helpers.RingbufReserve);
        int skip = _e.NewLabel(), submit = _e.NewLabel();
        _e.JumpImm(Opcodes.Jeq, 0, 0, skip);
        _e.MovReg(Record, 0);
        _e.StoreImm(8, Record, 0, (int)EventKind.Join);
        _e.StoreImm(8, Record, 8, _plan.IndexOf(c));
        for (int i = 0; i < ResourcePlan.JoinArgs; i++)
            _e.StoreImm(1, Record, 16 + i * ResourcePlan.JoinArgSize, 0);
        for (int i = 0; i < ResourcePlan.JoinArgs; i++)
        {
            StackAddress(1, pointer);
            _e.MovImm(2, 8);
            _e.Load(8, 3, Fp, argv);
            _e.AluImm(Opcodes.Add, 3, i * 8);
            _e.Call(Helpers.ProbeReadUser);
            _e.Load(8, 3, Fp, pointer);
            _e.JumpImm(Opcodes.Jeq, 3, 0, submit);
            _e.MovReg(1, Record);
            _e.AluImm(Opcodes.Add, 1, 16 + i * ResourcePlan.JoinArgSize);
            _e.MovImm(2, ResourcePlan.JoinArgSize);
            _e.Call(Helpers.ProbeReadUserStr);
        }
        _e.Mark(submit);
        _e.MovReg(1, Record);
        _e.MovImm(2, 0);
        _e.Call(Helpers.RingbufSubmit);
        _e.Mark(skip);
    }

    // bpf_ringbuf_output(&events, fp + rec, size, 0)
    private void Emit(int rec, int size)
    {
        MapFd(1, _plan.RingMap);
        StackAddress(2, rec);
        _e.MovImm(3, size);
        _e.MovImm(4, 0);
        _e.Call(Helpers.RingbufOutput);
    }
}
