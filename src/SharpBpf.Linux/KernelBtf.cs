using SharpBpf.Linux.Native;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux;

/// <summary>
/// BTF in the kernel: loaded from an object's BTF (BPF_BTF_LOAD) for its maps' and programs' types,
/// or the kernel's own and its modules' (opened by id). Closed on Dispose.
/// </summary>
public sealed unsafe class KernelBtf : IDisposable
{
    private uint _id;

    private KernelBtf(BpfFileDescriptor fd, uint id, string? log)
    {
        Fd = fd;
        _id = id;
        Log = log;
    }

    /// <summary>The BTF's file descriptor.</summary>
    public BpfFileDescriptor Fd { get; }

    /// <summary>The BTF's id in the kernel.</summary>
    public uint Id => _id != 0 ? _id : _id = GetInfo().Id;

    /// <summary>The BTF verifier's log, when <see cref="Load(ReadOnlySpan{byte}, VerifierLogLevel, int)"/> asked for one.</summary>
    public string? Log { get; }

    /// <summary>
    /// Loads raw BTF (header, types, strings). A rejection throws <see cref="BpfVerifierException"/>
    /// with the BTF verifier's log; with <paramref name="logLevel"/> the log is kept in <see cref="Log"/>.
    /// </summary>
    public static KernelBtf Load(ReadOnlySpan<byte> btf, VerifierLogLevel logLevel = VerifierLogLevel.None, int logSize = Sys.DefaultLogSize)
    {
        fixed (byte* p = btf)
        {
            var attr = new BtfLoadAttr { Btf = Sys.Pointer(p), BtfSize = (uint)btf.Length };
            try
            {
                var fd = Sys.LoadWithLog(BpfCommand.BtfLoad, ref attr, logLevel, logSize, out var log);
                return new KernelBtf(fd, 0, log);
            }
            catch (BpfException e)
            {
                throw e.WithContext("load BTF");
            }
        }
    }

    /// <summary>Loads a parsed BTF spec's bytes.</summary>
    public static KernelBtf Load(BtfSpec spec, VerifierLogLevel logLevel = VerifierLogLevel.None)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Load(spec.Bytes, logLevel);
    }

    /// <summary>Opens the BTF with an id (BPF_BTF_GET_FD_BY_ID).</summary>
    public static KernelBtf FromId(uint id)
    {
        try
        {
            return new KernelBtf(Sys.GetFdById(BpfCommand.BtfGetFdById, id), id, null);
        }
        catch (BpfException e)
        {
            throw e.WithContext($"open BTF id {id}");
        }
    }

    /// <summary>Wraps an open BTF fd, taking ownership.</summary>
    public static KernelBtf FromFd(BpfFileDescriptor fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        return new KernelBtf(fd, 0, null);
    }

    /// <summary>The kernel's view of the BTF, with its name.</summary>
    public BtfInfo GetInfo()
    {
        try
        {
            var name = new byte[64];
            var info = default(BpfBtfInfo);
            fixed (byte* n = name)
            {
                info.Name = Sys.Pointer(n);
                info.NameLen = (uint)name.Length;
                Sys.ObjGetInfo(Fd, ref info);
            }
            info.Name = 0;
            return new BtfInfo(info, Sys.CString(name));
        }
        catch (BpfException e)
        {
            throw e.WithContext("BTF");
        }
    }

    /// <summary>The raw BTF as the kernel holds it (a module's is split BTF on top of vmlinux).</summary>
    public byte[] ReadBytes()
    {
        try
        {
            var info = default(BpfBtfInfo);
            Sys.ObjGetInfo(Fd, ref info);
            var bytes = new byte[info.BtfSize];
            fixed (byte* b = bytes)
            {
                info = default;
                info.Btf = Sys.Pointer(b);
                info.BtfSize = (uint)bytes.Length;
                Sys.ObjGetInfo(Fd, ref info);
            }
            return bytes;
        }
        catch (BpfException e)
        {
            throw e.WithContext("read BTF");
        }
    }

    /// <summary>The BTF parsed; a module's needs <paramref name="baseSpec"/> (vmlinux).</summary>
    public BtfSpec ReadSpec(BtfSpec? baseSpec = null) => BtfSpec.Parse(ReadBytes(), baseSpec);

    /// <summary>Closes the fd.</summary>
    public void Dispose() => Fd.Dispose();
}
