using SharpBpf.Core;

namespace SharpBpf.Runtime.Jit;

/// <summary>Which comparisons a cached access makes against its base register's slot.</summary>
[Flags]
internal enum SlotCheck : byte
{
    /// <summary>Earlier checks on the same base value already cover the bytes: no comparison.</summary>
    None = 0,
    /// <summary>off + size &lt;= the slot's (read or write) room.</summary>
    Room = 1,
    /// <summary>-off &lt;= the slot's room below the base (negative offsets).</summary>
    Below = 2,
}

/// <summary>The cache slot fields a register's slot must hold.</summary>
[Flags]
internal enum SlotFields : byte
{
    None = 0,
    ReadRoom = 1,
    WriteRoom = 2,
    Below = 4,
}

/// <summary>
/// The access analysis: for every plain load and store through r0-r9, whether it can use the
/// base register's cache slot and which checks are left. Three data flows over basic blocks:
/// <list type="bullet">
/// <item>forward "rb's slot holds rb's translation": an access through rb that checks against the
/// table stores it; a write to rb or any call (helpers may remap regions) kills it; intersection
/// at joins;</item>
/// <item>forward "bytes [low, high) around rb are known to be in one region (and writable)": the
/// convex hull of every access through rb that has passed a check since rb last changed, so an
/// access inside it needs no check at all (regions are contiguous, and two accesses less than 2^17
/// apart that both passed cannot be in different regions); intersection at joins;</item>
/// <item>backward "later cached accesses gain enough from rb's slot", so a table check stores the
/// slot only when that pays (a use with no check left, or several uses); checks whose slot does
/// not pay keep none, and the flows run again without them.</item>
/// </list>
/// Blocks no entry reaches are analysed as entries (nothing known), so a missing edge can only
/// cost a check, never skip one.
/// </summary>
internal sealed partial class JitFlowGraph
{
    private const int Registers = 10;

    /// <summary>The bytes around a register's value known to be accessible: [Low, High), writable or not.</summary>
    private readonly record struct Hull(int Low, int High, bool Writable)
    {
        public static readonly Hull Empty = new(1, 0, false);
        public static readonly Hull Everything = new(int.MinValue, int.MaxValue, true);

        public bool IsEmpty => Low >= High;

        public Hull Meet(Hull other)
        {
            var h = new Hull(Math.Max(Low, other.Low), Math.Min(High, other.High), Writable && other.Writable);
            return h.IsEmpty ? Empty : h;
        }

        public Hull Add(int low, int high, bool write) => IsEmpty
            ? new Hull(low, high, write)
            : new Hull(Math.Min(Low, low), Math.Max(High, high), Writable || write);
    }

    /// <summary>What is known on entry to a block, or after an instruction.</summary>
    private sealed class AccessState
    {
        public ushort Valid;
        public readonly Hull[] Hulls = new Hull[Registers];

        public static AccessState Entry()
        {
            var s = new AccessState();
            Array.Fill(s.Hulls, Hull.Empty);
            return s;
        }

        public static AccessState Unvisited()
        {
            var s = new AccessState { Valid = AllRegisters };
            Array.Fill(s.Hulls, Hull.Everything);
            return s;
        }

        public void CopyFrom(AccessState other)
        {
            Valid = other.Valid;
            other.Hulls.CopyTo(Hulls, 0);
        }

        /// <summary>Intersects <paramref name="other"/> into this; true when this changed.</summary>
        public bool Meet(AccessState other)
        {
            bool changed = false;
            ushort v = (ushort)(Valid & other.Valid);
            if (v != Valid)
            {
                Valid = v;
                changed = true;
            }
            for (int r = 0; r < Registers; r++)
            {
                var h = Hulls[r].Meet(other.Hulls[r]);
                if (h != Hulls[r])
                {
                    Hulls[r] = h;
                    changed = true;
                }
            }
            return changed;
        }
    }

    /// <summary>A plain load or store that takes part: base register, offset, size, store or not.</summary>
    private readonly record struct Access(int Base, int Offset, int Size, bool Write);

    private void AnalyzeAccesses(ReadOnlySpan<bool> proven)
    {
        int n = Count;
        var accesses = new Access[n];
        var kills = new ushort[n];
        for (int i = 0; i < n; i++)
        {
            kills[i] = Kills(i);
            int b = CacheableBase(i, proven);
            var insn = this[i];
            var kind = OpcodeTable.KindOf(insn.Opcode);
            accesses[i] = b < 0 ? new Access(-1, 0, 0, false)
                : new Access(b, insn.Offset, Opcodes.SizeInBytes(insn.Opcode), kind is InstructionKind.Store or InstructionKind.StoreImm);
        }

        // Basic blocks: leaders are 0, branch and call targets, and whatever follows a branch,
        // call or exit.
        var leader = new bool[n + 1];
        leader[0] = true;
        leader[n] = true;
        for (int i = 0; i < n; i++)
        {
            if (IsTarget[i])
                leader[i] = true;
            var kind = OpcodeTable.KindOf(this[i].Opcode);
            if (kind is InstructionKind.Jump or InstructionKind.Ja or InstructionKind.Gotol or InstructionKind.MayGoto
                or InstructionKind.Exit or InstructionKind.Call or InstructionKind.CallX)
                leader[i + 1] = true;
        }
        var starts = new List<int>();
        var blockOf = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            if (leader[i])
                starts.Add(i);
            blockOf[i] = starts.Count - 1;
        }
        int blocks = starts.Count;
        blockOf[n] = blocks; // past the end: no block
        starts.Add(n);
        var succ = new List<int>[blocks];
        for (int b = 0; b < blocks; b++)
        {
            succ[b] = [];
            int last = starts[b + 1] - 1;
            if (FallsThrough(last) && last + 1 < n)
                succ[b].Add(blockOf[last + 1]);
            int t = JumpTarget(last);
            if (t >= 0 && t < n)
                succ[b].Add(blockOf[t]);
        }
        var isEntry = new bool[blocks];
        isEntry[0] = true;
        for (int i = 0; i < n; i++)
        {
            if (IsCallTarget[i])
                isEntry[blockOf[i]] = true;
        }
        // Blocks no entry reaches are treated as entries.
        var reached = new bool[blocks];
        var stack = new Stack<int>();
        for (int b = 0; b < blocks; b++)
        {
            if (isEntry[b])
            {
                reached[b] = true;
                stack.Push(b);
            }
        }
        while (stack.Count > 0)
        {
            foreach (int s in succ[stack.Pop()])
            {
                if (!reached[s])
                {
                    reached[s] = true;
                    stack.Push(s);
                }
            }
        }

        // Forward (slot validity and hulls), then backward (is a stored slot worth it), until no
        // more table checks give up storing their slot: each round can only add to noStore.
        var noStore = new bool[n];
        var entry = new AccessState[blocks];
        var state = new AccessState();
        var worthIn = new byte[blocks * Registers];
        var worth = new byte[Registers];
        var unprofitable = new bool[n];
        // A few rounds settle real programs; the last round's stores are sound whenever it stops.
        for (int round = 0; round < 6; round++)
        {
            Array.Clear(Cached);
            Array.Clear(Checks);
            Array.Clear(StoresSlot);
            Array.Clear(FieldsUsed);
            for (int b = 0; b < blocks; b++)
                entry[b] = isEntry[b] || !reached[b] ? AccessState.Entry() : AccessState.Unvisited();
            for (bool again = true; again;)
            {
                again = false;
                for (int b = 0; b < blocks; b++)
                {
                    state.CopyFrom(entry[b]);
                    for (int i = starts[b]; i < starts[b + 1]; i++)
                        Forward(state, accesses[i], kills[i], i, noStore[i], record: false);
                    foreach (int s in succ[b])
                    {
                        // Only back edges can change a block this pass has already visited.
                        if (entry[s].Meet(state) && s <= b)
                            again = true;
                    }
                }
            }
            for (int b = 0; b < blocks; b++)
            {
                state.CopyFrom(entry[b]);
                for (int i = starts[b]; i < starts[b + 1]; i++)
                    Forward(state, accesses[i], kills[i], i, noStore[i], record: true);
            }

            // Backward: how much later cached accesses gain from each table check's slot.
            Array.Clear(worthIn);
            for (bool again = true; again;)
            {
                again = false;
                for (int b = blocks - 1; b >= 0; b--)
                {
                    Array.Clear(worth);
                    foreach (int s in succ[b])
                    {
                        for (int r = 0; r < Registers; r++)
                            worth[r] = Math.Max(worth[r], worthIn[s * Registers + r]);
                    }
                    for (int i = starts[b + 1] - 1; i >= starts[b]; i--)
                        Backward(worth, accesses[i], kills[i], i, unprofitable);
                    for (int r = 0; r < Registers; r++)
                    {
                        if (worth[r] != worthIn[b * Registers + r])
                        {
                            worthIn[b * Registers + r] = worth[r];
                            again = true;
                        }
                    }
                }
            }
            bool changed = false;
            for (int i = 0; i < n; i++)
            {
                if (unprofitable[i] && !noStore[i])
                {
                    noStore[i] = true;
                    changed = true;
                }
            }
            if (!changed)
                break;
        }
    }

    private void Forward(AccessState state, Access a, ushort kill, int i, bool noStore, bool record)
    {
        if (a.Base >= 0)
        {
            int bit = 1 << a.Base;
            ref var hull = ref state.Hulls[a.Base];
            if (record && (state.Valid & bit) != 0)
            {
                Cached[i] = true;
                bool lowKnown = !hull.IsEmpty && hull.Low <= a.Offset;
                bool highKnown = !hull.IsEmpty && a.Offset + a.Size <= hull.High && (!a.Write || hull.Writable);
                var check = SlotCheck.None;
                // A slot whose base crossed into the next region has poisoned rooms, so an offset
                // below the known bytes must compare a room even when it is not negative.
                if (!highKnown || (a.Offset >= 0 && !lowKnown))
                    check |= SlotCheck.Room;
                if (a.Offset < 0 && !lowKnown)
                    check |= SlotCheck.Below;
                Checks[i] = check;
                if ((check & SlotCheck.Room) != 0)
                    FieldsUsed[a.Base] |= a.Write ? SlotFields.WriteRoom : SlotFields.ReadRoom;
                if ((check & SlotCheck.Below) != 0)
                    FieldsUsed[a.Base] |= SlotFields.Below;
            }
            if ((state.Valid & bit) == 0 && noStore)
                hull = Hull.Empty; // a table check that keeps no slot: later accesses start over
            else
                hull = hull.Add(a.Offset, a.Offset + a.Size, a.Write);
            if (!noStore)
                state.Valid |= (ushort)bit;
        }
        if (kill != 0)
        {
            state.Valid &= (ushort)~kill;
            for (int r = 0; r < Registers; r++)
            {
                if ((kill & (1 << r)) != 0)
                    state.Hulls[r] = Hull.Empty;
            }
        }
    }

    /// <summary>
    /// Backward worth of rb's slot: 0 no later use, 1 one use that compares anyway, 2 enough to
    /// pay for storing it (an access with no check left, or several). A table check with a later
    /// use must store its slot; at worth 1 it is marked unprofitable (storing costs about what one
    /// checked use saves), and the next round makes it keep none.
    /// </summary>
    private void Backward(byte[] worth, Access a, ushort kill, int i, bool[] unprofitable)
    {
        if (kill != 0)
        {
            for (int r = 0; r < Registers; r++)
            {
                if ((kill & (1 << r)) != 0)
                    worth[r] = 0;
            }
        }
        if (a.Base < 0)
            return;
        if (Cached[i])
        {
            worth[a.Base] = (byte)Math.Min(2, worth[a.Base] + (Checks[i] == SlotCheck.None ? 2 : 1));
            return;
        }
        StoresSlot[i] = worth[a.Base] >= 1;
        unprofitable[i] = worth[a.Base] == 1;
        worth[a.Base] = 0;
    }
}
