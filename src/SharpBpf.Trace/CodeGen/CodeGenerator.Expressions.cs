using SharpBpf.Core;
using SharpBpf.Trace.Planning;
using SharpBpf.Trace.Semantics;
using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.CodeGen;

public sealed partial class CodeGenerator
{
    /// <summary>Computes an integer-like expression (integers, pointers, ids, addresses of records) into r0.</summary>
    private void Int(Expr e)
    {
        switch (e)
        {
            case IntegerLiteral lit:
                Constant((long)lit.Value);
                return;
            case Unary { Op: "-", Operand: IntegerLiteral neg }:
                Constant(-(long)neg.Value);
                return;
            case Positional p:
                Constant(p.Index == 0 ? _env.Positional.Count : ConstantOf(p));
                return;
            case Variable v:
                _e.Load(8, 0, Fp, _variables[v.Name]);
                return;
            case MapAccess m:
                MapReadInt(m);
                return;
            case Builtin b:
                BuiltinInt(b);
                return;
            case Binary b:
                BinaryInt(b);
                return;
            case Unary u:
                UnaryInt(u);
                return;
            case IncDec i:
                IncDecInt(i);
                return;
            case Ternary t:
            {
                int otherwise = _e.NewLabel(), done = _e.NewLabel();
                Int(t.Condition);
                _e.JumpImm(Opcodes.Jeq, 0, 0, otherwise);
                Int(t.WhenTrue);
                _e.Jump(done);
                _e.Mark(otherwise);
                Int(t.WhenFalse);
                _e.Mark(done);
                return;
            }
            case Cast c:
                Int(c.Operand);
                if (c.Type.IsInteger && c.Type.Size < 8)
                    Extend(c.Type.Size, c.Type.IsSigned);
                return;
            case FieldAccess f:
                FieldInt(f);
                return;
            case IndexAccess ix:
                IndexInt(ix);
                return;
            case Call c:
                CallInt(c);
                return;
            default:
                throw new TraceException($"cannot compute {e.GetType().Name} as an integer", e.Span);
        }
    }

    private void Constant(long v)
    {
        if (v is >= int.MinValue and <= int.MaxValue)
            _e.MovImm(0, (int)v);
        else
            _e.LoadImm64(0, v);
    }

    // Widens the low `size` bytes of r0 to 64 bits.
    private void Extend(int size, bool signed, int reg = 0)
    {
        if (size >= 8)
            return;
        int shift = 64 - size * 8;
        _e.AluImm(Opcodes.Lsh, reg, shift);
        _e.AluImm(signed ? Opcodes.Arsh : Opcodes.Rsh, reg, shift);
    }

    private void BuiltinInt(Builtin b)
    {
        switch (b.Name)
        {
            case "pid":
                _e.Call(Helpers.GetCurrentPidTgid);
                _e.AluImm(Opcodes.Rsh, 0, 32);
                return;
            case "tid":
                _e.Call(Helpers.GetCurrentPidTgid);
                _e.Mov32Reg(0, 0);
                return;
            case "uid":
            case "username":
                _e.Call(Helpers.GetCurrentUidGid);
                _e.Mov32Reg(0, 0);
                return;
            case "gid":
                _e.Call(Helpers.GetCurrentUidGid);
                _e.AluImm(Opcodes.Rsh, 0, 32);
                return;
            case "nsecs":
                _e.Call(Helpers.KtimeGetNs);
                return;
            case "elapsed":
                _e.Call(Helpers.KtimeGetNs);
                _e.LoadRelocated(1, new Relocation(RelocationKind.StartTime, 0));
                _e.AluReg(Opcodes.Sub, 0, 1);
                return;
            case "cpu":
                _e.Call(Helpers.GetSmpProcessorId);
                return;
            case "numaid":
                _e.Call(Helpers.GetNumaNodeId);
                return;
            case "rand":
                _e.Call(Helpers.GetPrandomU32);
                return;
            case "cpid":
                _e.LoadRelocated(0, new Relocation(RelocationKind.ChildPid, 0));
                return;
            case "cgroup":
                _e.Call(Helpers.GetCurrentCgroupId);
                return;
            case "curtask":
                _e.Call(Helpers.GetCurrentTask);
                return;
            case "probe":
                Constant(_probeId);
                return;
            case "retval":
                _e.Load(8, 0, Ctx, RegsAx);
                return;
            case "func":
                _e.Load(8, 0, Ctx, RegsIp);
                return;
            case "kstack":
            case "ustack":
                StackId(b.Name == "ustack", b.Type.StackLimit);
                return;
            case "args":
            case "ctx":
                _e.MovReg(0, Ctx);
                return;
        }
        if (b.Name.StartsWith("arg", StringComparison.Ordinal) && int.TryParse(b.Name.AsSpan(3), out int n))
        {
            if (_kind == ProbeKind.RawTracepoint)
                _e.Load(8, 0, Ctx, n * 8);
            else
                _e.Load(8, 0, Ctx, ArgRegisterOffsets[n]);
            return;
        }
        throw new TraceException($"builtin {b.Name} is not supported here", b.Span);
    }

    private void StackId(bool user, int limit)
    {
        _e.MovReg(1, Ctx);
        MapFd(2, _plan.StackMap(limit));
        _e.MovImm(3, user ? 256 : 0); // BPF_F_USER_STACK
        _e.Call(Helpers.GetStackId);
        if (user)
        {
            // Keep the pid beside the id: user stacks are symbolized against that process.
            int tmp = Alloc(8);
            _e.Store(8, Fp, tmp, 0);
            _e.Call(Helpers.GetCurrentPidTgid);
            _e.AluImm(Opcodes.Rsh, 0, 32);
            _e.AluImm(Opcodes.Lsh, 0, 32);
            _e.Load(8, 1, Fp, tmp);
            _e.Mov32Reg(1, 1);
            _e.AluReg(Opcodes.Or, 0, 1);
        }
    }

    private void BinaryInt(Binary b)
    {
        if (b.Left.Type.Kind == TypeKind.String)
        {
            StringCompare(b.Left, b.Right, int.MaxValue);
            if (b.Op == "!=")
                _e.AluImm(Opcodes.Xor, 0, 1);
            return;
        }
        if (b.Op is "&&" or "||")
        {
            bool and = b.Op == "&&";
            int shortCut = _e.NewLabel(), done = _e.NewLabel();
            Int(b.Left);
            _e.JumpImm(and ? Opcodes.Jeq : Opcodes.Jne, 0, 0, shortCut);
            Int(b.Right);
            _e.JumpImm(and ? Opcodes.Jeq : Opcodes.Jne, 0, 0, shortCut);
            _e.MovImm(0, and ? 1 : 0);
            _e.Jump(done);
            _e.Mark(shortCut);
            _e.MovImm(0, and ? 0 : 1);
            _e.Mark(done);
            return;
        }
        int tmp = Alloc(8);
        Int(b.Left);
        _e.Store(8, Fp, tmp, 0);
        Int(b.Right);
        _e.MovReg(1, 0);
        _e.Load(8, 0, Fp, tmp);
        bool signed = b.Left.Type.IsSigned && b.Right.Type.IsSigned;
        switch (b.Op)
        {
            case "+": _e.AluReg(Opcodes.Add, 0, 1); return;
            case "-": _e.AluReg(Opcodes.Sub, 0, 1); return;
            case "*": _e.AluReg(Opcodes.Mul, 0, 1); return;
            case "/": _e.AluReg(Opcodes.Div, 0, 1); return;
            case "%": _e.AluReg(Opcodes.Mod, 0, 1); return;
            case "&": _e.AluReg(Opcodes.And, 0, 1); return;
            case "|": _e.AluReg(Opcodes.Or, 0, 1); return;
            case "^": _e.AluReg(Opcodes.Xor, 0, 1); return;
            case "<<": _e.AluReg(Opcodes.Lsh, 0, 1); return;
            case ">>": _e.AluReg(Opcodes.Rsh, 0, 1); return; // bpftrace 0.17 emits LShr whatever the sign
        }
        byte jump = b.Op switch
        {
            "==" => Opcodes.Jeq,
            "!=" => Opcodes.Jne,
            "<" => signed ? Opcodes.Jslt : Opcodes.Jlt,
            "<=" => signed ? Opcodes.Jsle : Opcodes.Jle,
            ">" => signed ? Opcodes.Jsgt : Opcodes.Jgt,
            ">=" => signed ? Opcodes.Jsge : Opcodes.Jge,
            _ => throw new TraceException($"operator {b.Op} is not supported", b.Span),
        };
        int yes = _e.NewLabel(), end = _e.NewLabel();
        _e.JumpReg(jump, 0, 1, yes);
        _e.MovImm(0, 0);
        _e.Jump(end);
        _e.Mark(yes);
        _e.MovImm(0, 1);
        _e.Mark(end);
    }

    private void UnaryInt(Unary u)
    {
        Int(u.Operand);
        switch (u.Op)
        {
            case "!":
            {
                int zero = _e.NewLabel(), end = _e.NewLabel();
                _e.JumpImm(Opcodes.Jeq, 0, 0, zero);
                _e.MovImm(0, 0);
                _e.Jump(end);
                _e.Mark(zero);
                _e.MovImm(0, 1);
                _e.Mark(end);
                return;
            }
            case "~":
                _e.AluImm(Opcodes.Xor, 0, -1);
                return;
            case "-":
                _e.Emit(Opcodes.ClassAlu64 | Opcodes.Neg, 0, 0, 0, 0);
                return;
            case "*":
            {
                int size = u.Type.IsInteger ? u.Type.Size : 8;
                ReadAt(size, IsUser(u.Operand.Type));
                if (u.Type.IsInteger)
                    Extend(size, u.Type.IsSigned);
                return;
            }
        }
    }

    private bool IsUser(TraceType pointer) => pointer.IsUser || _kind is ProbeKind.Uprobe or ProbeKind.Uretprobe;

    // r0 = *(size *)r0, read with probe_read (kernel or user).
    private void ReadAt(int size, bool user)
    {
        int tmp = Alloc(8);
        _e.MovReg(3, 0);
        StackAddress(1, tmp);
        _e.MovImm(2, size);
        _e.Call(user ? Helpers.ProbeReadUser : Helpers.ProbeReadKernel);
        _e.Load(size, 0, Fp, tmp);
    }

    private void IncDecInt(IncDec i)
    {
        int delta = i.Increment ? 1 : -1;
        if (i.Target is Variable v)
        {
            int off = _variables[v.Name];
            _e.Load(8, 0, Fp, off);
            _e.AluImm(Opcodes.Add, 0, delta);
            _e.Store(8, Fp, off, 0);
            if (!i.Prefix)
                _e.AluImm(Opcodes.Sub, 0, delta);
            return;
        }
        var m = (MapAccess)i.Target;
        var info = Info(m.Name);
        int result = Alloc(8);
        MapReadInt(m);
        _e.AluImm(Opcodes.Add, 0, delta);
        _e.Store(8, Fp, result, 0);
        int key = BuildKey(m, info);
        MapFd(1, _plan.MapIndex(m.Name));
        StackAddress(2, key);
        StackAddress(3, result);
        _e.MovImm(4, 0);
        _e.Call(Helpers.MapUpdateElem);
        _e.Load(8, 0, Fp, result);
        if (!i.Prefix)
            _e.AluImm(Opcodes.Sub, 0, delta);
    }

    private void FieldInt(FieldAccess f)
    {
        var target = f.Target.Type;
        if (target.Kind == TypeKind.Tuple)
        {
            int off = Mem(f.Target);
            int index = int.Parse(f.Field, System.Globalization.CultureInfo.InvariantCulture);
            _e.Load(8, 0, Fp, off + target.TupleOffsets()[index]);
            return;
        }
        var (offset, size, signed, isRecord) = FieldLayout(f);
        if (target.IsContext)
        {
            if (isRecord)
            {
                _e.MovReg(0, Ctx);
                _e.AluImm(Opcodes.Add, 0, offset);
                return;
            }
            _e.Load(size, 0, Ctx, offset);
            Extend(size, signed);
            return;
        }
        Int(f.Target);
        _e.AluImm(Opcodes.Add, 0, offset);
        if (isRecord)
            return; // an embedded struct: its address stands for it
        ReadAt(size, IsUser(target));
        Extend(size, signed);
    }

    private (int Offset, int Size, bool Signed, bool IsRecord) FieldLayout(FieldAccess f)
    {
        var target = f.Target.Type;
        if (target.IsContext)
        {
            var fields = _env.TracepointFields(_attach.Parts[0], _attach.Parts[1])!;
            foreach (var field in fields)
            {
                if (field.Name == f.Field)
                    return (field.Offset, field.Size is 1 or 2 or 4 or 8 ? field.Size : 8, f.Type.IsSigned, f.Type.Kind is TypeKind.String or TypeKind.Array);
            }
            throw new TraceException($"no field {f.Field}", f.Span);
        }
        var record = target.Kind == TypeKind.Pointer ? target.Element! : target;
        if (record.BtfId == 0 && record.StructName is { } sn && _env.Types.Struct(sn) is { } resolved)
            record = resolved;
        _env.Types.TryField(record, f.Field, out int offset, out var ft);
        bool isRecord = ft.Kind is TypeKind.Record or TypeKind.String or TypeKind.Array;
        int size = ft.IsInteger ? ft.Size : 8;
        return (offset, size, ft.IsSigned, isRecord);
    }

    private void IndexInt(IndexAccess ix)
    {
        var t = ix.Target.Type;
        if (t.Kind == TypeKind.String)
        {
            int off = Mem(ix.Target);
            Int(ix.Index);
            // Bounded: the index is masked into the string so the verifier sees an in-bounds access.
            _e.AluImm(Opcodes.And, 0, Math.Max(1, PowerOfTwoBelow(t.Size)) - 1);
            StackAddress(1, off);
            _e.AluReg(Opcodes.Add, 1, 0);
            _e.Load(1, 0, 1, 0);
            return;
        }
        int elementSize = ix.Type.IsInteger ? ix.Type.Size : 8;
        if (t.Kind == TypeKind.Array && ix.Target is Variable or Call && t.Length > 0)
        {
            // an array held on the stack (a variable's copy, pton's bytes): read in place, the index masked into it
            int off = Mem(ix.Target);
            Int(ix.Index);
            _e.AluImm(Opcodes.And, 0, PowerOfTwoBelow(t.Length) - 1);
            _e.AluImm(Opcodes.Mul, 0, elementSize);
            StackAddress(1, off);
            _e.AluReg(Opcodes.Add, 1, 0);
            _e.Load(elementSize, 0, 1, 0);
            if (ix.Type.IsInteger)
                Extend(elementSize, ix.Type.IsSigned);
            return;
        }
        int saved = Alloc(8);
        Int(ix.Target);
        _e.Store(8, Fp, saved, 0);
        Int(ix.Index);
        _e.AluImm(Opcodes.Mul, 0, elementSize);
        _e.Load(8, 1, Fp, saved);
        _e.AluReg(Opcodes.Add, 0, 1);
        ReadAt(elementSize, IsUser(t));
        if (ix.Type.IsInteger)
            Extend(elementSize, ix.Type.IsSigned);
    }

    private static int PowerOfTwoBelow(int n)
    {
        int p = 1;
        while (p * 2 <= n)
            p *= 2;
        return p;
    }

    private void CallInt(Call c)
    {
        switch (c.Name)
        {
            case "strncmp":
                StringCompare(c.Arguments[0], c.Arguments[1], (int)ConstantOf(c.Arguments[2]));
                _e.AluImm(Opcodes.Xor, 0, 1); // 0 when equal, as strncmp
                return;
            case "ksym":
            case "usym":
                Int(c.Arguments[0]);
                return;
            case "kstack":
            case "ustack":
                StackId(c.Name == "ustack", c.Type.StackLimit);
                return;
            case "sizeof":
                Constant(c.Arguments[0].Type.Size);
                return;
            case "strftime":
                Int(c.Arguments[1]);
                return;
            case "kaddr":
            {
                string name = ((StringLiteral)c.Arguments[0]).Value;
                ulong address = (_kernelSymbols ??= Output.KernelSymbols.Load()).AddressOf(name);
                if (address == 0)
                    throw new TraceException($"Failed to compile: Failed to resolve kernel symbol: {name}");
                Constant((long)address);
                return;
            }
            case "reg":
                // pt_regs: the context of kprobes and uprobes, and the first member of a perf event's
                _e.Load(8, 0, Ctx, Probes.ProbeTypes.RegisterOffset(((StringLiteral)c.Arguments[0]).Value)!.Value);
                return;
            case "uaddr":
            {
                var sym = Semantics.SemanticAnalyzer.UserDataSymbol(_attach.Parts[0], ((StringLiteral)c.Arguments[0]).Value)!;
                Constant((long)sym.Value.Address);
                return;
            }
            case "cgroupid":
                Constant((long)Runtime.CgroupId.Of(((StringLiteral)c.Arguments[0]).Value));
                return;
            case "offsetof":
            {
                var record = _env.Types.Struct(((Builtin)c.Arguments[0]).Name)!;
                _env.Types.TryField(record, ((Builtin)c.Arguments[1]).Name, out int fieldOffset, out _);
                Constant(fieldOffset);
                return;
            }
            default:
                throw new TraceException($"{c.Name}() has no value here", c.Span);
        }
    }

    // r0 = 1 when the strings are equal in their first `limit` bytes (up to their NUL), else 0.
    private void StringCompare(Expr left, Expr right, int limit)
    {
        int a = Mem(left), b = Mem(right);
        int n = Math.Min(Math.Min(left.Type.Size, right.Type.Size), limit);
        int equal = _e.NewLabel(), differ = _e.NewLabel(), end = _e.NewLabel();
        for (int i = 0; i < n; i++)
        {
            _e.Load(1, 1, Fp, a + i);
            _e.Load(1, 2, Fp, b + i);
            _e.JumpReg(Opcodes.Jne, 1, 2, differ);
            _e.JumpImm(Opcodes.Jeq, 1, 0, equal);
        }
        _e.Mark(equal);
        _e.MovImm(0, 1);
        _e.Jump(end);
        _e.Mark(differ);
        _e.MovImm(0, 0);
        _e.Mark(end);
    }
}
