using SharpBpf.Core;
using static Iced.Intel.AssemblerRegisters;
using Instruction = SharpBpf.Core.Instruction;

namespace SharpBpf.Runtime.Jit;

internal sealed partial class JitCompiler
{
    /// <summary>
    /// Where a window starting at <paramref name="i"/> ends (exclusive), or i + 1 for none. A window
    /// is a table-checked load or store through rb followed, in the same straight line, by more
    /// plain accesses through the same unchanged rb, with only register arithmetic and frame
    /// accesses (which leave r10 alone) between them.
    /// </summary>
    private int WindowEnd(int i)
    {
        int b = _g.CacheableBase(i, _proven);
        if (b < 0 || _g.Cached[i] || !IsPlainAccess(_g[i]))
            return i + 1;
        int covered = 0;
        int end = i + 1;
        if ((_g.Kills(i) & (1 << b)) != 0)
            return i + 1;
        for (int j = i + 1; j < _g.Count && !_g.IsTarget[j]; j++)
        {
            var insn = _g[j];
            if (IsPlainAccess(insn))
            {
                int jb = _g.CacheableBase(j, _proven);
                bool onFrame = jb < 0 && (OpcodeTable.KindOf(insn.Opcode) is InstructionKind.Store or InstructionKind.StoreImm ? insn.Dst : insn.Src) == 10
                    && insn.Offset >= -MemoryMap.StackPerFrame && insn.Offset + Opcodes.SizeInBytes(insn.Opcode) <= 0 && !IsProven(j);
                if (jb != b && !onFrame)
                    break;
                if (jb == b)
                {
                    covered++;
                    end = j + 1;
                }
            }
            else if (!KeepsR10(insn) || OpcodeTable.KindOf(insn.Opcode) is InstructionKind.Jump or InstructionKind.Ja or InstructionKind.Gotol)
            {
                break;
            }
            if ((_g.Kills(j) & (1 << b)) != 0)
                break;
        }
        return covered > 0 ? end : i + 1;
    }

    private static bool IsPlainAccess(Instruction insn) =>
        OpcodeTable.KindOf(insn.Opcode) is InstructionKind.Load or InstructionKind.LoadSx or InstructionKind.Store or InstructionKind.StoreImm;

    /// <summary>
    /// One table check for every access through rb in [i, end): the bytes from the lowest offset to
    /// the highest end, writable when any of them is a store. If that fails, some access in the
    /// window is out of bounds (accesses less than 2^17 apart that all pass are in one region, so
    /// their convex hull passes too), so a cold copy of the window with a check per access runs
    /// up to that access's fault, with the stores before it done, exactly as the interpreter would.
    /// </summary>
    private void EmitWindow(int i, int end)
    {
        int b = _g.CacheableBase(i, _proven);
        int low = int.MaxValue, high = int.MinValue;
        bool write = false, storesSlot = false;
        for (int j = i; j < end; j++)
        {
            if (!IsPlainAccess(_g[j]) || _g.CacheableBase(j, _proven) != b)
                continue;
            var insn = _g[j];
            low = Math.Min(low, insn.Offset);
            high = Math.Max(high, insn.Offset + Opcodes.SizeInBytes(insn.Opcode));
            write |= OpcodeTable.KindOf(insn.Opcode) is InstructionKind.Store or InstructionKind.StoreImm;
            storesSlot |= _g.StoresSlot[j];
        }
        var precise = Cold(() =>
        {
            _r10Base = -1;
            for (int j = i; j < end; j++)
            {
                if (IsPlainAccess(_g[j]) && _g.CacheableBase(j, _proven) == b)
                    EmitMemory(j, _g[j], checkedAccess: true);
                else
                    EmitInstruction(j);
            }
            // Unreachable (some access above faulted); stop rather than run on.
            EmitFaultJump(NewFault(new FaultSite(FaultKind.Load, _g.SlotOf[i], i, 0)));
        });
        _r10Base = -1;
        LoadAddress(b, (short)low);
        CheckAddressInR10(high - low, write, precise);
        if (storesSlot)
        {
            StoreSlot(b, (short)low, high - low); // r10 = host address of rb
        }
        else
        {
            _a.add(r10, __qword_ptr[r9 + r11 * 8 + RegionDescriptor.Bias]);
            _a.sub(r10, high); // host(rb + low) + (high - low) - high = host(rb)
        }
        _r10Base = b;
        for (int j = i; j < end; j++)
        {
            if (IsPlainAccess(_g[j]) && _g.CacheableBase(j, _proven) == b)
                EmitMemory(j, _g[j], covered: true);
            else
                EmitInstruction(j);
        }
    }
}
