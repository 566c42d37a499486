namespace SharpBpf.Linux.Events;

/// <summary>
/// Receives one record of a BPF ring buffer, in place: <paramref name="record"/> is the kernel's
/// memory (exactly the size the program reserved or output) and is valid only during the call;
/// copy what must outlive it. <paramref name="ring"/> is the index <see cref="RingBufferReader.Add"/>
/// returned for the ring the record came from (0 for the reader's first ring).
/// </summary>
public delegate void RingBufferRecordHandler(int ring, ReadOnlySpan<byte> record);
