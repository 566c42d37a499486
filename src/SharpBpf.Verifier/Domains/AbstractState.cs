namespace SharpBpf.Verifier.Domains;

/// <summary>A reference the program holds and must release (a ring buffer record).</summary>
/// <param name="Id">The reference id the pointers carry.</param>
/// <param name="Pc">The instruction that acquired it.</param>
public readonly record struct AcquiredReference(int Id, int Pc);

/// <summary>
/// The abstract state of the machine at one instruction: the call stack of frames, the references
/// held, and what is known of the input buffer's length. Snapshots stored at instructions are
/// never modified (the analysis clones before stepping); each keeps a link to the snapshot it came
/// from, which is the path an explained error shows.
/// </summary>
public sealed class AbstractState
{
    /// <summary>The frames, the entry first.</summary>
    public List<FrameState> Frames { get; private init; } = [];

    /// <summary>References acquired and not yet released.</summary>
    public List<AcquiredReference> References { get; private init; } = [];

    /// <summary>The memory+length convention: the input buffer has at least this many bytes.</summary>
    public long InputLength { get; set; }

    /// <summary>The id of the scalars that hold the input buffer's length (r2 at entry), 0 if none is left.</summary>
    public int LengthId { get; set; }

    /// <summary>
    /// Bytes from the start of the packet (data) known to be before data_end. The kernel keeps
    /// ranges per pointer only, relative to each pointer's variable offset; this lets a pointer
    /// with a variable offset (as a widened loop index gives) be checked against the packet itself.
    /// </summary>
    public long PacketLength { get; set; }

    // ---- provenance, for explanations ----

    /// <summary>The snapshot this one was reached from.</summary>
    public AbstractState? Parent { get; set; }

    /// <summary>The instruction this snapshot is at.</summary>
    public int Pc { get; set; }

    /// <summary>The jump, call or exit whose edge led here; -1 for the entry.</summary>
    public int EdgeFrom { get; set; } = -1;

    /// <summary>How many states were merged into this one (0: one path).</summary>
    public int Merged { get; set; }

    // ---- bookkeeping of the fixpoint ----

    /// <summary>Replaced by a merged or widened state: no need to explore it.</summary>
    public bool Superseded { get; set; }

    /// <summary>How many times this state was widened.</summary>
    public int Widenings { get; set; }

    /// <summary>The current (innermost) frame.</summary>
    public FrameState Current => Frames[^1];

    /// <summary>The index of the current frame.</summary>
    public int Depth => Frames.Count - 1;

    /// <summary>Registers of the current frame.</summary>
    public RegisterValue[] Regs => Frames[^1].Regs;

    /// <summary>The state at entry: one frame.</summary>
    public static AbstractState Entry()
    {
        var s = new AbstractState();
        s.Frames.Add(new FrameState(0));
        return s;
    }

    /// <summary>A deep copy without provenance.</summary>
    public AbstractState Clone()
    {
        var s = new AbstractState
        {
            Frames = new List<FrameState>(Frames.Count),
            References = [.. References],
            InputLength = InputLength,
            LengthId = LengthId,
            PacketLength = PacketLength,
        };
        foreach (var f in Frames)
            s.Frames.Add(f.Clone());
        return s;
    }

    /// <summary>Applies <paramref name="f"/> to every register and spilled register of every frame.</summary>
    public void MapAll(Func<RegisterValue, RegisterValue> f)
    {
        foreach (var frame in Frames)
        {
            for (int r = 0; r < 11; r++)
                frame.Regs[r] = f(frame.Regs[r]);
            frame.Stack.MapSpills(f);
        }
    }

    /// <summary>A hash of what must agree for two states to be merged (see <see cref="SameShape"/>).</summary>
    public int Shape()
    {
        var h = new HashCode();
        h.Add(Frames.Count);
        foreach (var f in Frames)
        {
            h.Add(f.CallSite);
            for (int r = 0; r < 10; r++)
                h.Add(f.Regs[r].Shape);
            h.Add(f.Stack.Shape());
        }
        foreach (var r in References)
            h.Add(r.Pc);
        return h.ToHashCode();
    }

    /// <summary>
    /// Whether the two states can be merged without losing a register's type: the same calls on
    /// the stack, registers and spilled pointers of the same kinds, the same references held.
    /// </summary>
    public bool SameShape(AbstractState other)
    {
        if (Frames.Count != other.Frames.Count || References.Count != other.References.Count)
            return false;
        for (int i = 0; i < References.Count; i++)
        {
            if (References[i].Pc != other.References[i].Pc)
                return false;
        }
        for (int i = 0; i < Frames.Count; i++)
        {
            var a = Frames[i];
            var b = other.Frames[i];
            if (a.CallSite != b.CallSite || a.Kind != b.Kind || a.Summary != b.Summary)
                return false;
            for (int r = 0; r < 10; r++)
            {
                if (!a.Regs[r].SameShape(b.Regs[r]))
                    return false;
            }
            if (!a.Stack.SameShape(b.Stack))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Whether this state is covered by <paramref name="old"/>: every execution from this state is
    /// one the exploration from the old state already checked (the kernel's states_equal).
    /// </summary>
    public bool Leq(AbstractState old, IdMap ids)
    {
        if (Frames.Count != old.Frames.Count || References.Count != old.References.Count)
            return false;
        if (InputLength < old.InputLength || PacketLength < old.PacketLength)
            return false;
        ids.Reset();
        for (int i = 0; i < Frames.Count; i++)
        {
            var a = Frames[i];
            var b = old.Frames[i];
            if (a.CallSite != b.CallSite || a.Kind != b.Kind || a.Summary != b.Summary)
                return false;
            for (int r = 0; r < 10; r++)
            {
                if (!a.Regs[r].Leq(b.Regs[r], ids))
                    return false;
            }
            if (!a.Stack.Leq(b.Stack, ids))
                return false;
        }
        for (int i = 0; i < References.Count; i++)
        {
            if (References[i].Pc != old.References[i].Pc || !ids.CheckRef(old.References[i].Id, References[i].Id))
                return false;
        }
        return old.LengthId == 0 || ids.CheckScalar(old.LengthId, LengthId);
    }

    /// <summary>
    /// The least upper bound of two states of the same shape (<see cref="SameShape"/>), or with
    /// <paramref name="widen"/> the widening of this (older) state by <paramref name="next"/>.
    /// Links (ids) survive where both states have them consistently; <paramref name="freshId"/>
    /// numbers the ones that must be renamed.
    /// </summary>
    public AbstractState Join(AbstractState next, Func<int> freshId, WideningThresholds? widen = null)
    {
        var ids = new Dictionary<(int, int), int>();
        int JoinId(int a, int b)
        {
            if (a == 0 || b == 0)
                return 0;
            if (ids.TryGetValue((a, b), out int r))
                return r;
            r = a == b && !ids.ContainsValue(a) ? a : freshId();
            ids[(a, b)] = r;
            return r;
        }
        var refMap = new Dictionary<int, int>();
        for (int i = 0; i < Math.Min(References.Count, next.References.Count); i++)
            refMap[next.References[i].Id] = References[i].Id;
        RegisterValue JoinValue(RegisterValue a, RegisterValue b)
        {
            int refId = 0;
            if (a.RefId != 0 || b.RefId != 0)
            {
                if (!refMap.TryGetValue(b.RefId, out int mapped) || mapped != a.RefId)
                    return RegisterValue.NotInit;
                refId = a.RefId;
            }
            return a.Join(b, JoinId(a.Id, b.Id), refId, widen);
        }
        var s = new AbstractState
        {
            Frames = new List<FrameState>(Frames.Count),
            References = [.. References],
            InputLength = Math.Min(InputLength, next.InputLength),
            PacketLength = Math.Min(PacketLength, next.PacketLength),
        };
        for (int i = 0; i < Frames.Count; i++)
        {
            var a = Frames[i];
            var b = next.Frames[i];
            var regs = new RegisterValue[11];
            for (int r = 0; r < 10; r++)
                regs[r] = JoinValue(a.Regs[r], b.Regs[r]);
            regs[10] = a.Regs[10];
            s.Frames.Add(a.With(regs, a.Stack.Join(b.Stack, JoinValue)));
        }
        s.LengthId = LengthId != 0 && next.LengthId != 0 ? JoinId(LengthId, next.LengthId) : 0;
        return s;
    }

    /// <summary>Registers and stack of every frame, kernel-log style, for messages.</summary>
    public string Format(Func<int, string>? mapName = null, ulong liveMask = ulong.MaxValue)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < Frames.Count; i++)
        {
            var f = Frames[i];
            if (Frames.Count > 1)
                sb.Append(i == 0 ? "frame0: " : $" frame{i}: ");
            bool first = true;
            for (int r = 0; r < 10; r++)
            {
                if (!f.Regs[r].IsInit || (i == Frames.Count - 1 && (liveMask & (1UL << r)) == 0))
                    continue;
                if (!first)
                    sb.Append(' ');
                first = false;
                sb.Append('r').Append(r).Append('=').Append(f.Regs[r].Format(mapName));
            }
            string stack = f.Stack.Format(mapName);
            if (stack.Length > 0)
                sb.Append(first ? "" : " ").Append(stack);
        }
        return sb.ToString();
    }
}
