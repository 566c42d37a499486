using System.Buffers.Text;
using System.Runtime.CompilerServices;
using SharpBpf.ObjectFile.Text;

namespace SharpBpf.ObjectFile.Btf.CDump;

/// <summary>
/// The dumper's own output buffer, handed to <see cref="Utf8Output"/> in 64 KB blocks. A vmlinux
/// dump makes about a million small appends, nearly all before tiered JIT would get round to
/// optimizing a shared writer; these methods are optimized from their first call instead.
/// </summary>
internal sealed class CodeBuffer(Utf8Output output)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CodeBuffer Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                output.Append(bytes);
                return this;
            }
        }
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CodeBuffer Append(char c)
    {
        if (_used == _buffer.Length)
            Flush();
        _buffer[_used++] = (byte)c; // ASCII only: the dumper's own punctuation
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CodeBuffer Append(long value)
    {
        Utf8Formatter.TryFormat(value, Room(20), out int n);
        _used += n;
        return this;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CodeBuffer Append(ulong value)
    {
        Utf8Formatter.TryFormat(value, Room(20), out int n);
        _used += n;
        return this;
    }

    public CodeBuffer Append(int value) => Append((long)value);

    public CodeBuffer Append(uint value) => Append((ulong)value);

    // The free part of the buffer, flushed first if it has less than the bytes asked for.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Room(int bytes)
    {
        if (_buffer.Length - _used < bytes)
            Flush();
        return _buffer.AsSpan(_used);
    }

    /// <summary>Hands what is buffered to the output.</summary>
    public void Flush()
    {
        output.Append(_buffer.AsSpan(0, _used));
        _used = 0;
    }
}
