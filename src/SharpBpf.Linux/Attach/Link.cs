using SharpBpf.Core;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// A program attached to a hook, as cilium/ebpf's link.Link: the attachment lasts until Dispose,
/// which detaches the program (unless it is pinned). Attachments the kernel keeps as a bpf_link
/// expose it as <see cref="KernelLink"/> and can be pinned to outlive the process; the others
/// (perf event ioctl, tc cls_bpf filters, socket filters) cannot, and say so with
/// <see cref="BpfNotSupportedException"/>. The static methods attach a loaded
/// <see cref="KernelProgram"/>, one per kind of hook; the program stays the caller's to dispose
/// (the kernel keeps it loaded while it is attached).
/// </summary>
public abstract partial class Link : IDisposable
{
    private int _disposed;

    private protected Link(string target, uint programId)
    {
        Target = target;
        ProgramId = programId;
    }

    /// <summary>What the program is attached to, in words: "tracepoint syscalls/sys_enter_openat", "xdp on ifindex 4".</summary>
    public string Target { get; }

    /// <summary>The id of the attached program.</summary>
    public uint ProgramId { get; }

    /// <summary>The bpf_link that holds the attachment, or null when the attachment is not a bpf_link.</summary>
    public abstract KernelLink? KernelLink { get; }

    /// <summary>Whether <see cref="Pin"/> can work: the attachment is a bpf_link (or a group of them).</summary>
    public virtual bool CanPin => KernelLink is not null;

    /// <summary>Where the link is pinned, if it is.</summary>
    public virtual string? PinnedPath => KernelLink?.PinnedPath;

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Pins the bpf_link at <paramref name="path"/> on a bpffs (BPF_OBJ_PIN): the program stays
    /// attached after Dispose and after the process exits, until the pin is removed.
    /// </summary>
    public virtual void Pin(string path)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var link = KernelLink ?? throw NotALink("pinning");
        link.Pin(path);
    }

    /// <summary>Removes the pin; the attachment then ends with Dispose (or at once, if already disposed elsewhere).</summary>
    public virtual void Unpin() => KernelLink?.Unpin();

    /// <summary>The kernel's view of the bpf_link (BPF_OBJ_GET_INFO_BY_FD).</summary>
    public virtual LinkInfo GetInfo()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return (KernelLink ?? throw NotALink("link info of")).GetInfo();
    }

    /// <summary>Makes the attachment run <paramref name="program"/> instead, atomically (BPF_LINK_UPDATE), where the link type allows it.</summary>
    public virtual void Update(KernelProgram program)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        (KernelLink ?? throw NotALink("updating")).Update(program);
    }

    /// <summary>
    /// Opens the link pinned at <paramref name="path"/> (BPF_OBJ_GET) as an attachment of this
    /// process: Dispose closes it (the pin keeps the program attached), Unpin removes the pin.
    /// </summary>
    public static Link OpenPinned(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var link = KernelLink.OpenPinned(path);
        try
        {
            if (Printing.PinnedObjects.KindOf(link.Fd) is { } kind && kind != Printing.PinnedObjectKind.Link)
                throw new BpfException($"open pinned link {path}: it holds a {kind.ToString().ToLowerInvariant()}, not a link");
            return new FdLink(link, $"{UapiNames.NameOf(link.Type) ?? link.Type.ToString()} link pinned at {path}", link.GetInfo().ProgramId);
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    /// <summary>Detaches the program (or, for a pinned link, lets the pin keep it) and releases every descriptor.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Detach();
        GC.SuppressFinalize(this);
    }

    /// <summary>Undoes the attachment: closes fds, removes filters.</summary>
    private protected abstract void Detach();

    /// <inheritdoc/>
    public override string ToString() => KernelLink is { } link ? $"{Target} ({link})" : Target;

    private BpfNotSupportedException NotALink(string what) =>
        new($"{what} a {Target} attachment (it is not a bpf_link)", null);

    /// <summary>"attach program 'x' to tracepoint a/b", the context of every attach error.</summary>
    private static string AttachContext(KernelProgram program, string target) => $"attach {program} to {target}";

    private static string TypeName(ProgramType type) => UapiNames.NameOf(type) ?? type.ToString();

    private static string TypeName(AttachType type) => UapiNames.NameOf(type) ?? type.ToString();
}
