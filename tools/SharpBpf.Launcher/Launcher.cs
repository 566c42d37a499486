using System.Buffers.Binary;
using System.Text;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace SharpBpf.Launcher;

/// <summary>
/// The repository's <c>./sharpbpf</c>: a static x86-64 Linux executable of under 2 KB, with no dynamic loader and
/// no C library, that does what the first lines of <c>sharpbpf.sh</c> do, sooner. Run as a script, the wrapper
/// cost a shell's start (the exec of /bin/sh, its loader and libc: ~0.6 ms here, ~1 ms when the VM is slow)
/// before every command; this takes ~0.06 ms (measured with posix_spawn and /bin/true as the target).
/// <list type="number">
/// <item>Finds its folder from <c>/proc/self/exe</c> (so a symlink to it on PATH works).</item>
/// <item>When <c>SHARPBPF_REBUILD</c> is not <c>1</c>, <c>.build/cli/.built</c> begins with the line
/// <c>native</c> and <c>.build/cli/.sources</c> exists, it forks the build check (below) and execs
/// <c>.build/cli/sharpbpf</c> with the same arguments and <c>SHARPBPF_BUILD_DIR</c>, <c>SHARPBPF_WRAPPER</c> and
/// <c>SHARPBPF_CHECK</c> set (replacing any in the environment). The binary reads the check's answer before its
/// first output and runs <c>sharpbpf.sh</c> to rebuild when a source is newer
/// (src/SharpBpf.Cli/BuildFreshness.cs).</item>
/// <item>Otherwise (or when that exec fails) it execs <c>/bin/sh FOLDER/sharpbpf.sh ARGS...</c>, which builds
/// and runs, or runs the ReadyToRun or plain build.</item>
/// </list>
/// The check (<see cref="EmitChecker"/>) stats every entry of <c>.sources</c>, ~0.5-1 ms of kernel time here: in
/// the child it runs on the other CPU while this process execs the binary and the .NET runtime starts (~1.5 ms),
/// so the answer is there before the binary asks; on the binary's thread it cost ~0.5 ms of every command.
/// Written by <c>dotnet run --project tools/SharpBpf.Launcher</c>; a test checks that the committed file is
/// byte for byte what <see cref="Build"/> makes. Elsewhere than x86-64 Linux, <c>sh sharpbpf.sh</c> does the
/// same job, and the binary makes the check itself.
/// </summary>
internal static class Launcher
{
    /// <summary>Where the image is mapped: the usual base of a non-PIE x86-64 executable.</summary>
    private const ulong Base = 0x400000;

    private const int HeaderSize = 64, ProgramHeaderSize = 56, ProgramHeaders = 2;
    private const int CodeOffset = HeaderSize + ProgramHeaderSize * ProgramHeaders;

    // The stack frame (from rbp): the path of the executable, then the .built bytes read, the slots (composed
    // strings' addresses and numbers), a struct stat, the pipe's two descriptors, the check's answer, digits,
    // and the strings. Paths are at most PathMax bytes, so the strings fit.
    private const int PathMax = 4096;
    private const int Exe = 0, Read = PathMax, Slots = Read + 16, Stat = Slots + 16 * 8, Pipe = Stat + 256,
        Answer = Pipe + 8, Digits = Answer + 8, Strings = Digits + 32;
    private const int Frame = 0x8000;
    private const int SlotBuilt = 0, SlotSources = 1, SlotBinary = 2, SlotEnvDir = 3, SlotEnvWrapper = 4,
        SlotScript = 5, SlotCount = 6, SlotFree = 7, SlotEnvCheck = 8, SlotPid = 9;

    // x86-64 struct stat: st_mtim's seconds and nanoseconds.
    private const int StMtimSec = 88, StMtimNsec = 96;

    // The list of sources is read into a mapping of this size (~30 KB are used today); a longer one makes the
    // answer "?", and the binary checks for itself.
    private const int ListMax = 1 << 20;

    private const int SysRead = 0, SysWrite = 1, SysOpen = 2, SysClose = 3, SysMmap = 9, SysAccess = 21,
        SysGetpid = 39, SysFork = 57, SysExecve = 59, SysReadlink = 89, SysExitGroup = 231, SysNewfstatat = 262,
        SysPipe2 = 293;
    private const int OpenReadOnlyCloexec = 0x80000, AtFdCwd = -100;

    private const string EnvBuildDir = "SHARPBPF_BUILD_DIR=", EnvWrapper = "SHARPBPF_WRAPPER=", EnvCheck = "SHARPBPF_CHECK=";
    private const string Rebuild = "SHARPBPF_REBUILD=1";
    private const string Native = "native\n";
    private const string NoSelf = "sharpbpf: cannot read /proc/self/exe to find the repository\n";
    private const string NoShell = "sharpbpf: cannot run /bin/sh for sharpbpf.sh\n";

    /// <summary>The launcher's bytes: an ELF header, two program headers, the code and its strings.</summary>
    public static byte[] Build() => Assemble(out _);

    /// <summary>The launcher's code, disassembled (what <c>--list</c> prints).</summary>
    public static string Listing()
    {
        byte[] image = Assemble(out ulong dataAddress);
        var text = new StringBuilder();
        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(image, CodeOffset, (int)(dataAddress - Base) - CodeOffset));
        decoder.IP = Base + CodeOffset;
        var formatter = new GasFormatter();
        var output = new StringOutput();
        while (decoder.IP < dataAddress)
        {
            decoder.Decode(out var instruction);
            formatter.Format(instruction, output);
            text.Append($"{instruction.IP:x8}:  {output.ToStringAndReset()}\n");
        }
        return text.ToString();
    }

    /// <summary>The checkout's top folder (where SharpBpf.slnx is), from the current folder up.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SharpBpf.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("not inside the SharpBpf checkout (no SharpBpf.slnx above the current folder)");
    }

    private static AssemblerMemoryOperand Slot(int slot) => __qword_ptr[rbp + Slots + slot * 8];

    /// <summary>
    /// The child's check (its answer: <c>f</c> fresh, <c>s</c> stale, <c>?</c> the list too long to read here), as
    /// src/SharpBpf.Cli/BuildFreshness.cs's <c>IsStale</c> does it: stale when a line of <c>.sources</c> names a file
    /// or folder that is missing or modified after <c>.built</c> (st_mtim, to the nanosecond), or when either
    /// cannot be read. Then it writes the answer to the pipe and exits.
    /// </summary>
    private static void EmitChecker(Assembler c, Label checker, Label writeAndExit)
    {
        Label report = c.CreateLabel(), unknown = c.CreateLabel(), fresh = c.CreateLabel(), readMore = c.CreateLabel(),
            readDone = c.CreateLabel(), line = c.CreateLabel(), findEnd = c.CreateLabel(), found = c.CreateLabel(),
            next = c.CreateLabel();
        c.Label(ref checker);
        c.mov(eax, SysClose);
        c.mov(edi, __dword_ptr[rbp + Pipe]);
        c.syscall();
        c.mov(__byte_ptr[rbp + Answer], 's');

        // r12:r13, the stamp's st_mtim.
        c.mov(rsi, Slot(SlotBuilt));
        EmitStat(c, report);
        c.mov(r12, __qword_ptr[rbp + Stat + StMtimSec]);
        c.mov(r13, __qword_ptr[rbp + Stat + StMtimNsec]);

        // The list, read whole into rbx (an anonymous mapping), r14 bytes, then a newline after them.
        EmitOpen(c, SlotSources, report);
        c.mov(eax, SysMmap);
        c.xor(edi, edi);
        c.mov(esi, ListMax);
        c.mov(edx, 3); // PROT_READ | PROT_WRITE
        c.mov(r10d, 0x22); // MAP_PRIVATE | MAP_ANONYMOUS
        c.mov(r8, -1);
        c.xor(r9d, r9d);
        c.syscall();
        c.cmp(rax, -4095);
        c.jae(report);
        c.mov(rbx, rax);
        c.xor(r14d, r14d);
        c.Label(ref readMore);
        c.mov(edx, ListMax - 1);
        c.sub(edx, r14d);
        c.jz(unknown);
        c.mov(eax, SysRead);
        c.mov(edi, r15d);
        c.lea(rsi, __[rbx + r14]);
        c.syscall();
        c.test(rax, rax);
        c.js(report);
        c.jz(readDone);
        c.add(r14, rax);
        c.jmp(readMore);
        c.Label(ref readDone);
        c.mov(__byte_ptr[rbx + r14], '\n');

        // Line by line (r15: the line, r9: the next): each non-empty line is a path to stat.
        c.mov(r15, rbx);
        c.Label(ref line);
        c.lea(rax, __[rbx + r14]);
        c.cmp(r15, rax);
        c.ja(fresh);
        c.mov(rdi, r15);
        c.Label(ref findEnd);
        c.cmp(__byte_ptr[rdi], '\n');
        c.je(found);
        c.inc(rdi);
        c.jmp(findEnd);
        c.Label(ref found);
        c.mov(__byte_ptr[rdi], 0);
        c.lea(r9, __[rdi + 1]);
        c.cmp(rdi, r15);
        c.je(next);
        c.mov(rsi, r15);
        EmitStat(c, report);
        c.mov(rax, __qword_ptr[rbp + Stat + StMtimSec]);
        c.cmp(rax, r12);
        c.jg(report);
        c.jl(next);
        c.cmp(__qword_ptr[rbp + Stat + StMtimNsec], r13);
        c.jg(report);
        c.Label(ref next);
        c.mov(r15, r9);
        c.jmp(line);

        c.Label(ref fresh);
        c.mov(__byte_ptr[rbp + Answer], 'f');
        c.jmp(report);
        c.Label(ref unknown);
        c.mov(__byte_ptr[rbp + Answer], '?');
        c.Label(ref report);
        c.mov(edi, __dword_ptr[rbp + Pipe + 4]);
        c.lea(rsi, __[rbp + Answer]);
        c.mov(edx, 1);
        c.xor(r12d, r12d);
        c.jmp(writeAndExit);
    }

    // open(the path in slot, O_RDONLY | O_CLOEXEC) into r15d; to failure when it cannot.
    private static void EmitOpen(Assembler c, int slot, Label failure)
    {
        c.mov(eax, SysOpen);
        c.mov(rdi, Slot(slot));
        c.mov(esi, OpenReadOnlyCloexec);
        c.syscall();
        c.test(eax, eax);
        c.js(failure);
        c.mov(r15d, eax);
    }

    // newfstatat(AT_FDCWD, rsi, the frame's struct stat, 0); to failure when it fails.
    private static void EmitStat(Assembler c, Label failure)
    {
        c.mov(eax, SysNewfstatat);
        c.mov(edi, AtFdCwd);
        c.lea(rdx, __[rbp + Stat]);
        c.xor(r10d, r10d);
        c.syscall();
        c.test(eax, eax);
        c.jnz(failure);
    }

    private static byte[] Assemble(out ulong dataAddress)
    {
        var c = new Assembler(64);
        var strings = new List<(string Text, Label Label)>();
        Label Text(string s)
        {
            foreach (var (text, label) in strings)
            {
                if (text == s)
                    return label;
            }
            strings.Add((s, c.CreateLabel()));
            return strings[^1].Label;
        }

        Label noSelf = c.CreateLabel(), runScript = c.CreateLabel(), die = c.CreateLabel(), copy = c.CreateLabel(),
            decimalNumber = c.CreateLabel(), checker = c.CreateLabel();

        // rbx: the argument count's slot (the script's argv is built over it), r12: argc, r13: argv, r14: envp.
        c.mov(rbx, rsp);
        c.mov(r12, __qword_ptr[rbx]);
        c.lea(r13, __[rbx + 8]);
        c.lea(r14, __[r13 + r12 * 8 + 8]);
        c.sub(rsp, Frame);
        c.mov(rbp, rsp);
        c.mov(__dword_ptr[rbp + Pipe], -1);
        c.test(r12, r12);
        c.jz(noSelf);

        // readlink("/proc/self/exe", exe, PathMax); the folder is what comes before the last '/'.
        c.mov(eax, SysReadlink);
        c.lea(rdi, __[Text("/proc/self/exe\0")]);
        c.lea(rsi, __[rbp + Exe]);
        c.mov(edx, PathMax);
        c.syscall();
        c.test(rax, rax);
        c.jle(noSelf);
        c.cmp(rax, PathMax);
        c.jae(noSelf);
        c.lea(rsi, __[rbp + Exe]);
        c.lea(rdi, __[rsi + rax]);
        Label findSlash = c.CreateLabel();
        c.Label(ref findSlash);
        c.dec(rdi);
        c.cmp(rdi, rsi);
        c.jb(noSelf);
        c.cmp(__byte_ptr[rdi], '/');
        c.jne(findSlash);
        c.mov(__byte_ptr[rdi], 0);

        // The strings: each is a list of parts, the folder (null) or text, stored in its slot.
        c.lea(rdi, __[rbp + Strings]);
        void Compose(int slot, params string?[] parts)
        {
            c.mov(Slot(slot), rdi);
            foreach (string? part in parts)
            {
                if (part is null)
                    c.lea(rsi, __[rbp + Exe]);
                else
                    c.lea(rsi, __[Text(part + "\0")]);
                c.call(copy);
            }
            c.inc(rdi);
        }
        Compose(SlotBuilt, null, "/.build/cli/.built");
        Compose(SlotSources, null, "/.build/cli/.sources");
        Compose(SlotBinary, null, "/.build/cli/sharpbpf");
        Compose(SlotEnvDir, EnvBuildDir, null, "/.build/cli");
        Compose(SlotEnvWrapper, EnvWrapper, null, "/sharpbpf.sh");
        Compose(SlotScript, null, "/sharpbpf.sh");
        c.mov(Slot(SlotFree), rdi);

        // SHARPBPF_REBUILD=1 (the binary asks for a build): the script.
        Label scan = c.CreateLabel(), scanned = c.CreateLabel();
        c.mov(r15, r14);
        c.Label(ref scan);
        c.mov(rdi, __qword_ptr[r15]);
        c.test(rdi, rdi);
        c.jz(scanned);
        c.lea(rsi, __[Text(Rebuild + "\0")]);
        c.mov(ecx, Rebuild.Length + 1);
        c.repe.cmpsb();
        c.je(runScript);
        c.add(r15, 8);
        c.jmp(scan);
        c.Label(ref scanned);

        // .built's first line is "native", and .sources is there: the native build.
        EmitOpen(c, SlotBuilt, runScript);
        c.mov(eax, SysRead);
        c.mov(edi, r15d);
        c.lea(rsi, __[rbp + Read]);
        c.mov(edx, 16);
        c.syscall();
        c.mov(Slot(SlotCount), rax);
        c.mov(eax, SysClose);
        c.mov(edi, r15d);
        c.syscall();
        c.cmp(Slot(SlotCount), Native.Length);
        c.jl(runScript);
        c.lea(rsi, __[rbp + Read]);
        c.lea(rdi, __[Text(Native)]);
        c.mov(ecx, Native.Length);
        c.repe.cmpsb();
        c.jne(runScript);
        c.mov(eax, SysAccess);
        c.mov(rdi, Slot(SlotSources));
        c.xor(esi, esi);
        c.syscall();
        c.test(eax, eax);
        c.jnz(runScript);

        // The check that no source is newer than the build, in a child process (fork) that answers through a
        // pipe: it runs on another CPU while this one execs the binary and starts the .NET runtime, and the binary
        // reads the answer before its first output. SHARPBPF_CHECK=FD,CHILD,SELF tells it where (SELF: this
        // process's id, which the exec keeps, so that the variable inherited by another process is not taken for
        // its own). Without a pipe or a child, the binary checks for itself.
        Label noCheck = c.CreateLabel(), checkReady = c.CreateLabel();
        c.mov(Slot(SlotEnvCheck), 0);
        c.mov(eax, SysPipe2);
        c.lea(rdi, __[rbp + Pipe]);
        c.xor(esi, esi);
        c.syscall();
        c.test(eax, eax);
        c.jnz(noCheck);
        c.mov(eax, SysFork);
        c.syscall();
        c.test(rax, rax);
        c.jz(checker);
        c.mov(Slot(SlotPid), rax);
        c.mov(eax, SysClose);
        c.mov(edi, __dword_ptr[rbp + Pipe + 4]);
        c.syscall();
        c.cmp(Slot(SlotPid), 0);
        c.jl(noCheck);
        c.mov(rdi, Slot(SlotFree));
        c.mov(Slot(SlotEnvCheck), rdi);
        c.lea(rsi, __[Text(EnvCheck + "\0")]);
        c.call(copy);
        c.mov(eax, __dword_ptr[rbp + Pipe]);
        c.call(decimalNumber);
        c.mov(__byte_ptr[rdi], ',');
        c.inc(rdi);
        c.mov(rax, Slot(SlotPid));
        c.call(decimalNumber);
        c.mov(__byte_ptr[rdi], ',');
        c.inc(rdi);
        c.mov(eax, SysGetpid);
        c.syscall();
        c.call(decimalNumber);
        c.mov(__byte_ptr[rdi], 0);
        c.jmp(checkReady);
        c.Label(ref noCheck);
        c.mov(eax, SysClose);
        c.mov(edi, __dword_ptr[rbp + Pipe]);
        c.syscall();
        c.mov(__dword_ptr[rbp + Pipe], -1);
        c.Label(ref checkReady);

        // The environment: the variables first, then the rest without any earlier ones of those names.
        Label count = c.CreateLabel(), counted = c.CreateLabel();
        c.xor(ecx, ecx);
        c.Label(ref count);
        c.cmp(__qword_ptr[r14 + rcx * 8], 0);
        c.je(counted);
        c.inc(rcx);
        c.jmp(count);
        c.Label(ref counted);
        c.lea(rax, __[rcx * 8 + 32]);
        c.sub(rsp, rax);
        c.and(rsp, -16);
        c.mov(r15, rsp);
        foreach (int slot in new[] { SlotEnvDir, SlotEnvWrapper, SlotEnvCheck })
        {
            c.mov(rax, Slot(slot));
            c.mov(__qword_ptr[r15], rax);
            c.add(r15, 8);
        }
        c.cmp(Slot(SlotEnvCheck), 0);
        Label hasCheckVariable = c.CreateLabel();
        c.jne(hasCheckVariable);
        c.sub(r15, 8);
        c.Label(ref hasCheckVariable);
        c.mov(r8, r14);
        Label env = c.CreateLabel(), skip = c.CreateLabel(), envDone = c.CreateLabel();
        c.Label(ref env);
        c.mov(rdi, __qword_ptr[r8]);
        c.test(rdi, rdi);
        c.jz(envDone);
        foreach (string name in new[] { EnvBuildDir, EnvWrapper, EnvCheck })
        {
            c.mov(rdi, __qword_ptr[r8]);
            c.lea(rsi, __[Text(name + "\0")]);
            c.mov(ecx, name.Length);
            c.repe.cmpsb();
            c.je(skip);
        }
        c.mov(rdi, __qword_ptr[r8]);
        c.mov(__qword_ptr[r15], rdi);
        c.add(r15, 8);
        c.Label(ref skip);
        c.add(r8, 8);
        c.jmp(env);
        c.Label(ref envDone);
        c.mov(__qword_ptr[r15], 0);

        // execve(binary, [binary, args...], environment); if that fails, the script.
        c.mov(rdi, Slot(SlotBinary));
        c.mov(__qword_ptr[r13], rdi);
        c.mov(eax, SysExecve);
        c.mov(rsi, r13);
        c.mov(rdx, rsp);
        c.syscall();

        // execve("/bin/sh", ["/bin/sh", script, args...], the environment as it came): over argc's slot and
        // argv[0]. The pipe's end, if any, is closed first: the script's binary checks for itself.
        c.Label(ref runScript);
        c.mov(eax, SysClose);
        c.mov(edi, __dword_ptr[rbp + Pipe]);
        c.syscall();
        c.lea(rdi, __[Text("/bin/sh\0")]);
        c.mov(__qword_ptr[rbx], rdi);
        c.mov(rax, Slot(SlotScript));
        c.mov(__qword_ptr[r13], rax);
        c.mov(eax, SysExecve);
        c.mov(rsi, rbx);
        c.mov(rdx, r14);
        c.syscall();
        c.lea(rsi, __[Text(NoShell)]);
        c.mov(edx, NoShell.Length);
        c.mov(r12d, 127);
        c.jmp(die);

        c.Label(ref noSelf);
        c.lea(rsi, __[Text(NoSelf)]);
        c.mov(edx, NoSelf.Length);
        c.mov(r12d, 1);
        c.Label(ref die);
        c.mov(edi, 2);
        // writeAndExit: write(edi, rsi, edx), then exit_group(r12d); the errors' end and the check's
        Label writeAndExit = c.CreateLabel();
        c.Label(ref writeAndExit);
        c.mov(eax, SysWrite);
        c.syscall();
        c.mov(eax, SysExitGroup);
        c.mov(edi, r12d);
        c.syscall();
        c.int3();

        EmitChecker(c, checker, writeAndExit);

        // copy: the string at rsi to rdi, its NUL included; rdi is left on the NUL.
        Label copied = c.CreateLabel();
        c.Label(ref copy);
        c.mov(al, __byte_ptr[rsi]);
        c.mov(__byte_ptr[rdi], al);
        c.test(al, al);
        c.jz(copied);
        c.inc(rsi);
        c.inc(rdi);
        c.jmp(copy);
        c.Label(ref copied);
        c.ret();

        // decimalNumber: rax (not negative) in decimal at rdi, which is left after it; r8-r11 and rdx are used.
        Label digit = c.CreateLabel(), store = c.CreateLabel();
        c.Label(ref decimalNumber);
        c.lea(r8, __[rbp + Digits + 24]);
        c.mov(r11, r8);
        c.mov(r10d, 10);
        c.Label(ref digit);
        c.xor(edx, edx);
        c.div(r10);
        c.add(dl, (int)'0');
        c.dec(r8);
        c.mov(__byte_ptr[r8], dl);
        c.test(rax, rax);
        c.jnz(digit);
        c.Label(ref store);
        c.mov(al, __byte_ptr[r8]);
        c.mov(__byte_ptr[rdi], al);
        c.inc(rdi);
        c.inc(r8);
        c.cmp(r8, r11);
        c.jb(store);
        c.ret();

        for (int i = 0; i < strings.Count; i++)
        {
            var (s, label) = strings[i];
            c.Label(ref label);
            strings[i] = (s, label);
            c.db(Encoding.ASCII.GetBytes(s));
        }

        var stream = new MemoryStream();
        const ulong entry = Base + CodeOffset;
        var result = c.Assemble(new StreamCodeWriter(stream), entry, BlockEncoderOptions.ReturnNewInstructionOffsets);
        dataAddress = result.GetLabelRIP(strings[0].Label);
        byte[] code = stream.ToArray();

        var image = new byte[CodeOffset + code.Length];
        code.CopyTo(image, CodeOffset);
        Span<byte> h = image;
        "\x7f"u8.CopyTo(h);
        "ELF"u8.CopyTo(h[1..]);
        h[4] = 2; // 64-bit
        h[5] = 1; // little-endian
        h[6] = 1; // ELF version 1
        BinaryPrimitives.WriteUInt16LittleEndian(h[16..], 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(h[18..], 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(h[24..], entry);
        BinaryPrimitives.WriteUInt64LittleEndian(h[32..], HeaderSize); // e_phoff
        BinaryPrimitives.WriteUInt16LittleEndian(h[52..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(h[54..], ProgramHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(h[56..], ProgramHeaders);
        BinaryPrimitives.WriteUInt16LittleEndian(h[58..], 64); // e_shentsize (no sections)

        // PT_LOAD, read + execute: the whole file at Base.
        Span<byte> p = h[HeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(p, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], 5);
        BinaryPrimitives.WriteUInt64LittleEndian(p[16..], Base);
        BinaryPrimitives.WriteUInt64LittleEndian(p[24..], Base);
        BinaryPrimitives.WriteUInt64LittleEndian(p[32..], (ulong)image.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(p[40..], (ulong)image.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(p[48..], 0x1000);
        // PT_GNU_STACK, read + write: a stack that is not executable.
        p = h[(HeaderSize + ProgramHeaderSize)..];
        BinaryPrimitives.WriteUInt32LittleEndian(p, 0x6474e551);
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], 6);
        BinaryPrimitives.WriteUInt64LittleEndian(p[48..], 16);
        return image;
    }
}
