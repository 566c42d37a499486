using System.Text;
using SharpBpf.Core;
using SharpBpf.Trace.Planning;
using SharpBpf.Trace.Semantics;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace.CodeGen;

// Values that live in memory (strings, tuples, buffers, usym, strftime): written into stack slots, copied between them.
public sealed partial class CodeGenerator
{
    /// <summary>Puts a memory value (string, tuple) in a stack slot and returns the slot's offset.</summary>
    private int Mem(Expr e)
    {
        switch (e)
        {
            case Variable v:
                return _variables[v.Name];
            case FieldAccess { Target.Type.Kind: TypeKind.Tuple } f:
                // an element is read in place: the tuple's slot already holds it zero-padded
                return Mem(f.Target) + f.Target.Type.TupleOffsets()[int.Parse(f.Field, System.Globalization.CultureInfo.InvariantCulture)];
            default:
            {
                int size = Math.Max(8, Align8(e.Type.Size));
                int off = Alloc(size);
                Into(e.Type, e, off);
                return off;
            }
        }
    }

    /// <summary>Writes the value of <paramref name="e"/> into the stack slot at <paramref name="off"/> sized for <paramref name="slot"/>, zero-padded.</summary>
    private void Into(TraceType slot, Expr e, int off)
    {
        int slotSize = ResourcePlan.StoredSize(slot);
        if (slot.Kind is not (TypeKind.String or TypeKind.Tuple or TypeKind.Array or TypeKind.Inet or TypeKind.Buffer or TypeKind.MacAddress or TypeKind.Usym or TypeKind.Strftime))
        {
            Int(e);
            if (slot.IsInteger && e.Type.IsInteger && e.Type.Size < 8)
                Extend(e.Type.Size, e.Type.IsSigned);
            _e.Store(8, Fp, off, 0);
            return;
        }
        Zero(off, slotSize);
        int size = Math.Min(slotSize, e.Type.Size);
        switch (e)
        {
            case StringLiteral s:
            {
                var bytes = Encoding.UTF8.GetBytes(s.Value);
                StoreBytes(bytes.AsSpan(0, Math.Min(bytes.Length, slotSize - 1)), off);
                return;
            }
            case Positional p:
            {
                string text = p.Index > 0 && p.Index <= _env.Positional.Count ? _env.Positional[p.Index - 1] : "";
                Into(slot, new StringLiteral { Value = text, Span = p.Span, Type = TraceType.String(Encoding.UTF8.GetByteCount(text) + 1) }, off);
                return;
            }
            case Call { Name: "buf" } bc:
            {
                int length = slot.Size - 1;
                var src = bc.Arguments[0];
                if (src is StringLiteral lit)
                {
                    var data = Encoding.Latin1.GetBytes(lit.Value);
                    var bytes = new byte[Align8(slotSize)];
                    bytes[0] = (byte)length;
                    Array.Copy(data, 0, bytes, 1, Math.Min(data.Length, length));
                    StoreBytes(bytes.AsSpan(0, slotSize), off);
                    return;
                }
                _e.StoreImm(1, Fp, off, length);
                if (src.Type.Kind is TypeKind.String or TypeKind.Array)
                {
                    int from = Mem(src);
                    for (int i = 0; i < length; i++)
                    {
                        _e.Load(1, 1, Fp, from + i);
                        _e.Store(1, Fp, off + 1 + i, 1);
                    }
                    return;
                }
                Int(src);
                _e.MovReg(3, 0);
                StackAddress(1, off + 1);
                _e.MovImm(2, length);
                _e.Call(IsUser(src.Type) ? Helpers.ProbeReadUser : Helpers.ProbeReadKernel);
                return;
            }
            case Call { Name: "macaddr" } mc:
            {
                var src = mc.Arguments[0];
                if (src.Type.Kind is TypeKind.Array or TypeKind.String)
                {
                    CopyFrom(Fp, off, 6, Mem(src));
                    return;
                }
                Int(src);
                _e.MovReg(3, 0);
                StackAddress(1, off);
                _e.MovImm(2, 6);
                _e.Call(IsUser(src.Type) ? Helpers.ProbeReadUser : Helpers.ProbeReadKernel);
                return;
            }
            case Call { Name: "ntop" } nc when nc.Arguments[^1].Type.Kind is TypeKind.String or TypeKind.Array:
            {
                // 4 or 16 bytes: IPv4 or IPv6 unless the family is given
                var address = nc.Arguments[^1];
                int length = address.Type.Size;
                if (nc.Arguments.Count == 2)
                {
                    Int(nc.Arguments[0]);
                    _e.Store(8, Fp, off, 0);
                }
                else
                {
                    _e.StoreImm(8, Fp, off, length == 16 ? 10 : 2); // AF_INET6, AF_INET
                }
                CopyFrom(Fp, off + 8, length, Mem(address));
                return;
            }
            case Call { Name: "pton" } pc:
            {
                StoreBytes(Semantics.SemanticAnalyzer.Pton(((StringLiteral)pc.Arguments[0]).Value)!, off);
                return;
            }
            case Call { Name: "ntop" } nc:
            {
                if (nc.Arguments.Count == 2)
                {
                    Int(nc.Arguments[0]);
                    _e.Store(8, Fp, off, 0);
                    Int(nc.Arguments[1]);
                }
                else
                {
                    _e.StoreImm(8, Fp, off, 2); // AF_INET
                    Int(nc.Arguments[0]);
                }
                _e.Store(4, Fp, off + 8, 0);
                return;
            }
            case Builtin { Name: "func" } or Call { Name: "usym" }:
                // the address, then the current process: its mappings resolve the address when printed
                Int(e);
                _e.Store(8, Fp, off, 0);
                _e.Call(Helpers.GetCurrentPidTgid);
                _e.AluImm(Opcodes.Rsh, 0, 32);
                _e.Store(8, Fp, off + 8, 0);
                return;
            case Call { Name: "strftime" } sc:
                Int(sc.Arguments[1]);
                _e.Store(8, Fp, off, 0);
                _e.StoreImm(8, Fp, off + 8, _plan.IndexOf(sc));
                return;
            case Builtin { Name: "comm" }:
                StackAddress(1, off);
                _e.MovImm(2, Math.Min(16, slotSize));
                _e.Call(Helpers.GetCurrentComm);
                return;
            case Call { Name: "str" } c:
            {
                var arg = c.Arguments[0];
                if (arg.Type.Kind == TypeKind.String)
                {
                    Into(slot, arg, off);
                    return;
                }
                int limit = size;
                if (c.Arguments.Count == 2)
                {
                    // str(p, n): n is a runtime length capped by the slot.
                    int lenSlot = Alloc(8);
                    Int(c.Arguments[1]);
                    _e.AluImm(Opcodes.Add, 0, 1);
                    _e.Store(8, Fp, lenSlot, 0);
                    Int(arg);
                    _e.MovReg(3, 0);
                    _e.Load(8, 2, Fp, lenSlot);
                    int ok = _e.NewLabel();
                    _e.JumpImm(Opcodes.Jle, 2, limit, ok);
                    _e.MovImm(2, limit);
                    _e.Mark(ok);
                    int nonzero = _e.NewLabel();
                    _e.JumpImm(Opcodes.Jgt, 2, 0, nonzero);
                    _e.MovImm(2, 1);
                    _e.Mark(nonzero);
                    StackAddress(1, off);
                    _e.Call(StrHelper(arg.Type));
                    return;
                }
                Int(arg);
                _e.MovReg(3, 0);
                StackAddress(1, off);
                _e.MovImm(2, limit);
                _e.Call(StrHelper(arg.Type));
                return;
            }
            case FieldAccess f when f.Target.Type.Kind != TypeKind.Tuple:
            {
                var (fieldOffset, _, _, _) = FieldLayout(f);
                if (f.Target.Type.IsContext)
                {
                    _e.MovReg(3, Ctx);
                    _e.AluImm(Opcodes.Add, 3, fieldOffset);
                }
                else
                {
                    Int(f.Target);
                    _e.AluImm(Opcodes.Add, 0, fieldOffset);
                    _e.MovReg(3, 0);
                }
                StackAddress(1, off);
                _e.MovImm(2, size);
                _e.Call(f.Target.Type.IsContext || !IsUser(f.Target.Type) ? Helpers.ProbeReadKernel : Helpers.ProbeReadUser);
                return;
            }
            case TupleExpr t:
            {
                var offsets = slot.Kind == TypeKind.Tuple ? slot.TupleOffsets() : e.Type.TupleOffsets();
                for (int i = 0; i < t.Elements.Count; i++)
                {
                    var elementSlot = slot.Kind == TypeKind.Tuple ? slot.Elements[i] : e.Type.Elements[i];
                    Into(elementSlot, t.Elements[i], off + offsets[i]);
                }
                return;
            }
            case MapAccess m:
            {
                var info = Info(m.Name);
                int key = BuildKey(m, info);
                MapFd(1, _plan.MapIndex(m.Name));
                StackAddress(2, key);
                _e.Call(Helpers.MapLookupElem);
                int missing = _e.NewLabel();
                _e.JumpImm(Opcodes.Jeq, 0, 0, missing);
                if (NeedsTupleCopy(slot, e.Type))
                    CopyTuple(0, 0, e.Type, slot, off);
                else
                    CopyFrom(0, off, Align8(size));
                _e.Mark(missing);
                return;
            }
            case Ternary tr:
            {
                int otherwise = _e.NewLabel(), done = _e.NewLabel();
                Int(tr.Condition);
                _e.JumpImm(Opcodes.Jeq, 0, 0, otherwise);
                Into(slot, tr.WhenTrue, off);
                _e.Jump(done);
                _e.Mark(otherwise);
                Into(slot, tr.WhenFalse, off);
                _e.Mark(done);
                return;
            }
            default:
            {
                int src = Mem(e);
                if (NeedsTupleCopy(slot, e.Type))
                    CopyTuple(Fp, src, e.Type, slot, off);
                else if (src != off)
                    CopyFrom(Fp, off, Align8(size), src);
                return;
            }
        }
    }

    private int StrHelper(TraceType source) =>
        source.Kind == TypeKind.Pointer ? (IsUser(source) ? Helpers.ProbeReadUserStr : Helpers.ProbeReadKernelStr) : Helpers.ProbeReadStr;

    // A tuple stored with other string sizes than the slot's (SemanticAnalyzer.WiderTuple): its elements sit at
    // other offsets, so they are copied one by one.
    private static bool NeedsTupleCopy(TraceType slot, TraceType source) =>
        slot.Kind == TypeKind.Tuple && source.Kind == TypeKind.Tuple && !slot.Equals(source);

    private void CopyTuple(int srcReg, int srcOff, TraceType source, TraceType slot, int off)
    {
        int[] from = source.TupleOffsets(), to = slot.TupleOffsets();
        for (int i = 0; i < slot.Elements.Count && i < source.Elements.Count; i++)
        {
            TraceType s = source.Elements[i], d = slot.Elements[i];
            if (s.Kind == TypeKind.Tuple && d.Kind == TypeKind.Tuple)
                CopyTuple(srcReg, srcOff + from[i], s, d, off + to[i]);
            else if (s.Kind == TypeKind.String && d.Kind == TypeKind.String && s.Size > d.Size)
                CopyFrom(srcReg, off + to[i], d.Size - 1, srcOff + from[i]); // cut, ended by the slot's zeroed last byte
            else
                CopyFrom(srcReg, off + to[i], Math.Min(ResourcePlan.StoredSize(s), ResourcePlan.StoredSize(d)), srcOff + from[i]);
        }
    }

    // Stores constant bytes at the stack offset `off` of a slot already zeroed: the 4-byte chunks that are not 0.
    private void StoreBytes(ReadOnlySpan<byte> bytes, int off)
    {
        for (int i = 0; i < bytes.Length; i += 4)
        {
            int chunk = 0;
            for (int k = 0; k < 4 && i + k < bytes.Length; k++)
                chunk |= bytes[i + k] << (8 * k);
            if (chunk != 0)
                _e.StoreImm(4, Fp, off + i, chunk);
        }
    }

    // Copies `size` bytes (a multiple of 8, or the tail in smaller loads) from [srcReg + srcOff] to the stack at `off`.
    private void CopyFrom(int srcReg, int off, int size, int srcOff = 0)
    {
        int i = 0;
        for (; i + 8 <= size; i += 8)
        {
            _e.Load(8, 1, srcReg, srcOff + i);
            _e.Store(8, Fp, off + i, 1);
        }
        for (; i < size; i++)
        {
            _e.Load(1, 1, srcReg, srcOff + i);
            _e.Store(1, Fp, off + i, 1);
        }
    }
}
