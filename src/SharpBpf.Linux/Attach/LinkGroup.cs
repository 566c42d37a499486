namespace SharpBpf.Linux.Attach;

/// <summary>
/// Several attachments that live and die together, such as a sampling program on one perf event
/// per CPU. Pinning pins every member inside a new bpffs directory, as <c>PATH/0</c>, <c>PATH/1</c>, ...
/// </summary>
public sealed class LinkGroup : Link
{
    private readonly Link[] _links;

    internal LinkGroup(IReadOnlyList<Link> links, string target, uint programId)
        : base(target, programId)
    {
        _links = [.. links];
    }

    /// <summary>The members, in the order they were attached.</summary>
    public IReadOnlyList<Link> Links => _links;

    /// <summary>Null: a group is not one bpf_link (its members may be).</summary>
    public override KernelLink? KernelLink => null;

    /// <inheritdoc/>
    public override bool CanPin => _links.All(l => l.CanPin);

    /// <inheritdoc/>
    public override string? PinnedPath => _pinnedPath;

    private string? _pinnedPath;

    /// <summary>Pins each member at <c>PATH/N</c> in a new directory <paramref name="path"/> on a bpffs.</summary>
    public override void Pin(string path)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!CanPin)
            throw new BpfNotSupportedException($"pinning a {Target} attachment (not every member is a bpf_link)", null);
        Directory.CreateDirectory(path);
        try
        {
            for (int i = 0; i < _links.Length; i++)
                _links[i].Pin(Path.Combine(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        catch
        {
            foreach (var l in _links)
                l.Unpin();
            Directory.Delete(path);
            throw;
        }
        _pinnedPath = path;
    }

    /// <summary>Removes the members' pins and the directory.</summary>
    public override void Unpin()
    {
        if (_pinnedPath is null)
            return;
        foreach (var l in _links)
            l.Unpin();
        Directory.Delete(_pinnedPath);
        _pinnedPath = null;
    }

    /// <summary>Not one link: ask the members.</summary>
    public override LinkInfo GetInfo() =>
        throw new BpfNotSupportedException($"link info of a {Target} group (ask its members)", null);

    /// <summary>Updates every member to run <paramref name="program"/>.</summary>
    public override void Update(KernelProgram program)
    {
        foreach (var l in _links)
            l.Update(program);
    }

    private protected override void Detach()
    {
        List<Exception>? errors = null;
        foreach (var l in _links)
        {
            try
            {
                l.Dispose();
            }
            catch (Exception e) when (e is BpfException or IOException)
            {
                (errors ??= []).Add(e);
            }
        }
        if (errors is not null)
            throw new AggregateException($"detach {Target}", errors);
    }
}
