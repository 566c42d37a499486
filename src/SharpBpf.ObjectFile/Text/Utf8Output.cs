using System.Buffers.Text;
using System.Text;

namespace SharpBpf.ObjectFile.Text;

/// <summary>
/// A buffered UTF-8 writer for dumps that print millions of lines: names go out as the bytes BTF
/// stores, numbers are formatted in place, nothing is allocated per line.
/// </summary>
public sealed class Utf8Output : IDisposable
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;

    /// <summary>Writes to a stream (not closed on dispose).</summary>
    public Utf8Output(Stream stream) => _stream = stream;

    /// <summary>Appends raw UTF-8 bytes.</summary>
    public Utf8Output Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                _stream.Write(bytes);
                return this;
            }
        }
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
        return this;
    }

    /// <summary>Appends a string as UTF-8.</summary>
    public Utf8Output Append(string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max > _buffer.Length - _used)
            Flush();
        if (max > _buffer.Length)
            return Append(Encoding.UTF8.GetBytes(text));
        _used += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_used));
        return this;
    }

    /// <summary>Appends one ASCII character.</summary>
    public Utf8Output Append(char c)
    {
        if (_used == _buffer.Length)
            Flush();
        if (c < 0x80)
        {
            _buffer[_used++] = (byte)c;
            return this;
        }
        return Append(c.ToString());
    }

    /// <summary>Appends an unsigned decimal.</summary>
    public Utf8Output Append(ulong value)
    {
        if (_buffer.Length - _used < 20)
            Flush();
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_used), out int n);
        _used += n;
        return this;
    }

    /// <summary>Appends a signed decimal.</summary>
    public Utf8Output Append(long value)
    {
        if (_buffer.Length - _used < 20)
            Flush();
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_used), out int n);
        _used += n;
        return this;
    }

    /// <summary>Appends an unsigned decimal.</summary>
    public Utf8Output Append(uint value) => Append((ulong)value);

    /// <summary>Appends a signed decimal.</summary>
    public Utf8Output Append(int value) => Append((long)value);

    /// <summary>Writes what is buffered.</summary>
    public void Flush()
    {
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    /// <summary>Flushes.</summary>
    public void Dispose()
    {
        Flush();
        _stream.Flush();
    }
}
