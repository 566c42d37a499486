namespace SharpBpf.Linux.Events;

/// <summary>
/// A ring buffer record handler for the hot path: <see cref="RingBufferReader.Poll{THandler}"/>
/// and <see cref="RingBufferReader.Consume{THandler}"/> are compiled for each struct that
/// implements it, so <see cref="Handle"/> is inlined into the read loop (no delegate call per
/// record), and the struct, passed by reference, keeps its state (counts, sums) in registers.
/// </summary>
public interface IRingBufferRecordHandler
{
    /// <summary>One record, in place; see <see cref="RingBufferRecordHandler"/>.</summary>
    void Handle(int ring, ReadOnlySpan<byte> record);
}
