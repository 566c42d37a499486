using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Formatting;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Verifier.Agreement;

/// <summary>
/// Generated programs with the classic bugs (issue 5): each bug in several shapes (map and access
/// kinds, sizes and offsets one byte past the check, program types), each beside its fixed twin,
/// which both verifiers must accept. Names say the bug and the shape:
/// <c>generated/packet_out_of_bounds/xdp/check14-u4-off11</c>, <c>.../fixed</c>.
/// </summary>
public static class ClassicBugs
{
    /// <summary>All of them, bugs and fixed twins.</summary>
    public static List<AgreementCase> All()
    {
        var list = new List<AgreementCase>();
        UncheckedMapValue(list);
        PacketOutOfBounds(list);
        UninitializedReads(list);
        UnboundedLoops(list);
        ContextPointerArithmetic(list);
        MoreBugs(list);
        return list;
    }

    private static readonly string[] Sizes = ["u8", "u16", "u32", "u64"];

    private static int Bytes(string size) => size switch { "u8" => 1, "u16" => 2, "u32" => 4, _ => 8 };

    private static void Add(List<AgreementCase> list, string name, ProgramType type, string asm, IReadOnlyList<MapSpec>? maps = null, string? note = null)
    {
        maps ??= [];
        var definitions = maps.Select((m, i) => MapDefinition.FromSpec(m) with { Fd = i }).ToList();
        list.Add(new AgreementCase
        {
            Name = "generated/" + name, Group = "generated", Type = type, Maps = maps, Note = note,
            ExpectAccepted = name.EndsWith("/fixed", StringComparison.Ordinal) || note?.EndsWith("both accept", StringComparison.Ordinal) == true,
            Program = Assembler.Assemble(asm, AsmSyntax.Llvm, name),
            Options = new VerifierOptions { ProgramType = type, Privileged = true, Maps = definitions },
        });
    }

    private static MapSpec Map(string name, MapType type, uint key, uint value, uint entries, uint flags = 0) => new()
    {
        Name = name, Type = type, KeySize = key, ValueSize = value, MaxEntries = entries, Flags = flags,
        Origin = MapOrigin.BtfMaps, SectionName = ".maps",
    };

    private static string Lookup => """
        r1 = 0
        *(u32 *)(r10 - 4) = r1
        r2 = r10
        r2 += -4
        ld_pseudo r1, 1, 0
        call 1
        """;

    // bpf_map_lookup_elem returns map_value_or_null: a NULL check must come before any access.
    private static void UncheckedMapValue(List<AgreementCase> list)
    {
        (string Name, MapType Type)[] maps = [("hash", MapType.Hash), ("lru_hash", MapType.LruHash), ("percpu_hash", MapType.PercpuHash)];
        (string Name, string Access)[] accesses =
        [
            ("load-u64-off0", "r1 = *(u64 *)(r0 + 0)"),
            ("load-u8-off7", "r1 = *(u8 *)(r0 + 7)"),
            ("store-u32-off4", "*(u32 *)(r0 + 4) = 1"),
            ("atomic-add-u64", "r1 = 1\nlock *(u64 *)(r0 + 0) += r1"),
        ];
        foreach (var (mapName, mapType) in maps)
        {
            var map = new[] { Map("counts", mapType, 4, 8, 16) };
            foreach (var (accessName, access) in accesses)
                Add(list, $"unchecked_map_value/{mapName}/{accessName}", ProgramType.Xdp, $"{Lookup}\n{access}\nr0 = 2\nexit", map);
            Add(list, $"unchecked_map_value/{mapName}/fixed", ProgramType.Xdp,
                $"{Lookup}\nif r0 == 0 goto out\nr1 = *(u64 *)(r0 + 0)\n*(u32 *)(r0 + 4) = 1\nout:\nr0 = 2\nexit", map);
        }
        // The NULL check on a copy, then the access through the original: fine (the ids link them).
        Add(list, "unchecked_map_value/hash/check-on-copy/fixed", ProgramType.Xdp,
            $"{Lookup}\nr6 = r0\nif r6 == 0 goto out\nr1 = *(u64 *)(r0 + 0)\nout:\nr0 = 2\nexit", [Map("counts", MapType.Hash, 4, 8, 16)]);
        // A check of the wrong register.
        Add(list, "unchecked_map_value/hash/checks-other-register", ProgramType.Xdp,
            $"r7 = *(u32 *)(r1 + 16)\n{Lookup}\nif r7 == 0 goto out\nr1 = *(u64 *)(r0 + 0)\nout:\nr0 = 2\nexit", [Map("counts", MapType.Hash, 4, 8, 16)]);
    }

    // A read of the packet must be covered by a comparison with data_end.
    private static void PacketOutOfBounds(List<AgreementCase> list)
    {
        (string Type, ProgramType Program, int Data, int End)[] types =
            [("xdp", ProgramType.Xdp, 0, 4), ("sched_cls", ProgramType.SchedCls, 76, 80)];
        foreach (var (typeName, type, dataOff, endOff) in types)
        {
            string ret = type == ProgramType.Xdp ? "2" : "0";
            foreach (int check in new[] { 14, 34 })
            {
                foreach (var size in Sizes)
                {
                    int n = Bytes(size);
                    string Body(int off) => $"""
                        r2 = *(u32 *)(r1 + {dataOff})
                        r3 = *(u32 *)(r1 + {endOff})
                        r4 = r2
                        r4 += {check}
                        if r4 > r3 goto out
                        r0 = *({size} *)(r2 + {off})
                        out:
                        r0 = {ret}
                        exit
                        """;
                    Add(list, Invariant($"packet_out_of_bounds/{typeName}/check{check}-{size}-off{check - n + 1}"), type, Body(check - n + 1));
                    Add(list, Invariant($"packet_out_of_bounds/{typeName}/check{check}-{size}-off{check - n}/fixed"), type, Body(check - n));
                }
            }
            Add(list, $"packet_out_of_bounds/{typeName}/no-check", type, $"""
                r2 = *(u32 *)(r1 + {dataOff})
                r0 = *(u8 *)(r2 + 0)
                r0 = {ret}
                exit
                """);
            // The check on the wrong side: the read happens when the packet is too short.
            Add(list, $"packet_out_of_bounds/{typeName}/inverted-check", type, $"""
                r2 = *(u32 *)(r1 + {dataOff})
                r3 = *(u32 *)(r1 + {endOff})
                r4 = r2
                r4 += 14
                if r4 <= r3 goto out
                r0 = *(u8 *)(r2 + 0)
                out:
                r0 = {ret}
                exit
                """);
            // A variable offset from the packet, masked, then checked: fine.
            Add(list, $"packet_out_of_bounds/{typeName}/variable-offset/fixed", type, $"""
                r2 = *(u32 *)(r1 + {dataOff})
                r3 = *(u32 *)(r1 + {endOff})
                r4 = r2
                r4 += 1
                if r4 > r3 goto out
                r5 = *(u8 *)(r2 + 0)
                r5 &= 15
                r2 += r5
                r4 = r2
                r4 += 2
                if r4 > r3 goto out
                r0 = *(u16 *)(r2 + 0)
                out:
                r0 = {ret}
                exit
                """);
        }
    }

    // Registers and stack read before they are written. A root loader may read uninitialised
    // stack (Linux 5.19+, allow_uninit_stack): those cases must be accepted by both.
    private static void UninitializedReads(List<AgreementCase> list)
    {
        foreach (int r in new[] { 2, 5, 9 })
            Add(list, Invariant($"uninitialized_register/r{r}"), ProgramType.Xdp, $"r0 = r{r}\nr0 &= 1\nexit");
        Add(list, "uninitialized_register/r0-at-exit", ProgramType.Xdp, "r1 = 0\nexit");
        Add(list, "uninitialized_register/after-call", ProgramType.Xdp, "call 7\nr0 = r3\nr0 &= 1\nexit", note: "a helper call clobbers r1-r5");
        Add(list, "uninitialized_register/one-path", ProgramType.Xdp, """
            r2 = *(u32 *)(r1 + 16)
            if r2 == 0 goto skip
            r3 = 1
            skip:
            r0 = r3
            r0 &= 1
            exit
            """);
        foreach (var size in Sizes)
        {
            int n = Bytes(size);
            Add(list, $"uninitialized_stack/read-{size}", ProgramType.Xdp,
                Invariant($"r1 = 1\n*(u8 *)(r10 - 1) = r1\nr0 = *({size} *)(r10 - {8 + n})\nr0 &= 1\nexit"),
                note: "root may read uninitialised stack: both accept");
        }
        Add(list, "uninitialized_stack/map-key", ProgramType.Xdp, """
            r2 = r10
            r2 += -4
            ld_pseudo r1, 1, 0
            call 1
            r0 = 2
            exit
            """, [Map("counts", MapType.Hash, 4, 8, 16)], "an unwritten key: root may pass uninitialised stack to a helper, both accept");
        Add(list, "stack_out_of_bounds/read-below-frame", ProgramType.Xdp, "r0 = *(u64 *)(r10 - 520)\nexit");
        Add(list, "stack_out_of_bounds/write-below-frame", ProgramType.Xdp, "r1 = 0\n*(u64 *)(r10 - 520) = r1\nr0 = 2\nexit");
        Add(list, "stack_out_of_bounds/read-above-frame", ProgramType.Xdp, "r0 = *(u64 *)(r10 + 0)\nexit");
        Add(list, "stack_out_of_bounds/variable-offset-unbounded", ProgramType.Xdp, """
            r2 = *(u32 *)(r1 + 16)
            r3 = r10
            r3 += -64
            r3 += r2
            r0 = 0
            *(u8 *)(r3 + 0) = r0
            exit
            """);
    }

    // Loops whose termination cannot be shown.
    private static void UnboundedLoops(List<AgreementCase> list)
    {
        Add(list, "unbounded_loop/nothing-changes", ProgramType.Xdp, """
            r2 = *(u32 *)(r1 + 16)
            r0 = 2
            loop:
            if r2 == 0 goto out
            goto loop
            out:
            exit
            """);
        Add(list, "unbounded_loop/self-jump", ProgramType.Xdp, """
            r2 = *(u32 *)(r1 + 16)
            r0 = 2
            if r2 == 0 goto out
            loop:
            goto loop
            out:
            exit
            """);
        Add(list, "unbounded_loop/counter-wrong-direction", ProgramType.Xdp, """
            r2 = 0
            loop:
            r2 += -1
            if r2 != 10 goto loop
            r0 = 2
            exit
            """);
        Add(list, "unbounded_loop/bound-from-context", ProgramType.Xdp, """
            r2 = *(u32 *)(r1 + 16)
            r3 = 0
            loop:
            r3 += 1
            if r3 < r2 goto loop
            r0 = 2
            exit
            """, note: "up to 2^32 iterations: the kernel runs out of its 1M instructions, SharpBpf bounds it above the limit");
        Add(list, "unbounded_loop/bound-from-context/fixed", ProgramType.Xdp, """
            r2 = *(u32 *)(r1 + 16)
            if r2 > 100 goto out
            r3 = 0
            loop:
            r3 += 1
            if r3 < r2 goto loop
            out:
            r0 = 2
            exit
            """);
        Add(list, "unbounded_loop/counter/fixed", ProgramType.Xdp, """
            r2 = 0
            r0 = 0
            loop:
            r0 += r2
            r2 += 1
            if r2 < 1000 goto loop
            r0 &= 1
            exit
            """);
    }

    // The context pointer may not move: fields are read at a constant offset from it.
    private static void ContextPointerArithmetic(List<AgreementCase> list)
    {
        (string Name, ProgramType Type, int Field)[] types =
            [("xdp", ProgramType.Xdp, 12), ("socket_filter", ProgramType.SocketFilter, 0), ("sched_cls", ProgramType.SchedCls, 0)];
        foreach (var (name, type, field) in types)
        {
            foreach (int k in new[] { 4, 16 })
                Add(list, Invariant($"ctx_pointer_arithmetic/{name}/add{k}"), type, Invariant($"r1 += {k}\nr0 = *(u32 *)(r1 + {field})\nr0 &= 1\nexit"));
            Add(list, $"ctx_pointer_arithmetic/{name}/add-register", type, "r2 = 4\nr1 += r2\nr0 = *(u32 *)(r1 + 0)\nr0 &= 1\nexit");
            Add(list, $"ctx_pointer_arithmetic/{name}/sub", type, Invariant($"r1 -= 4\nr0 = *(u32 *)(r1 + {field + 4})\nr0 &= 1\nexit"));
            Add(list, $"ctx_pointer_arithmetic/{name}/fixed", type, Invariant($"r0 = *(u32 *)(r1 + {field + 4})\nr0 &= 1\nexit"));
        }
    }

    private static void MoreBugs(List<AgreementCase> list)
    {
        var value8 = new[] { Map("counts", MapType.Hash, 4, 8, 16) };
        string Checked(string access) => $"{Lookup}\nif r0 == 0 goto out\n{access}\nout:\nr0 = 2\nexit";
        Add(list, "map_value_out_of_bounds/u32-off6", ProgramType.Xdp, Checked("r1 = *(u32 *)(r0 + 6)"), value8);
        Add(list, "map_value_out_of_bounds/u64-off-8", ProgramType.Xdp, Checked("r1 = *(u64 *)(r0 - 8)"), value8);
        Add(list, "map_value_out_of_bounds/u32-off4/fixed", ProgramType.Xdp, Checked("r1 = *(u32 *)(r0 + 4)"), value8);
        Add(list, "map_value_out_of_bounds/unbounded-index", ProgramType.Xdp, Checked("r1 = *(u32 *)(r0 + 0)\nr0 += r1\nr1 = *(u8 *)(r0 + 0)"), value8);
        Add(list, "map_value_out_of_bounds/masked-index/fixed", ProgramType.Xdp, Checked("r1 = *(u32 *)(r0 + 0)\nr1 &= 7\nr0 += r1\nr1 = *(u8 *)(r0 + 0)"), value8);
        Add(list, "map_value_readonly_write", ProgramType.Xdp, Checked("*(u32 *)(r0 + 0) = 1"), [Map("config", MapType.Array, 4, 8, 1, 0x80)]);
        Add(list, "division_by_zero_constant", ProgramType.Xdp, "r0 = 5\nr0 /= 0\nexit");
        Add(list, "division_by_register/fixed", ProgramType.Xdp, "r2 = *(u32 *)(r1 + 16)\nr0 = 100\nr0 /= r2\nr0 &= 1\nexit",
            note: "division by a register that may be 0 is defined (the result is 0): both accept");
        Add(list, "shift_out_of_range", ProgramType.Xdp, "r0 = 1\nr0 <<= 64\nexit");
        Add(list, "frame_pointer_write", ProgramType.Xdp, "r10 = 0\nr0 = 2\nexit");
        Add(list, "return_packet_pointer", ProgramType.Xdp, "r0 = *(u32 *)(r1 + 0)\nexit", note: "a root loader may return a pointer (allow_ptr_leaks): both accept");
        Add(list, "return_out_of_range/cgroup_skb", ProgramType.CgroupSkb, "r0 = 7\nexit");
        Add(list, "ctx_write_readonly_field", ProgramType.Xdp, "r2 = 1\n*(u32 *)(r1 + 16) = r2\nr0 = 2\nexit");
        Add(list, "ctx_out_of_bounds", ProgramType.Xdp, "r0 = *(u32 *)(r1 + 64)\nexit");
        Add(list, "packet_write_socket_filter", ProgramType.SocketFilter, """
            r2 = *(u32 *)(r1 + 76)
            r0 = 0
            exit
            """, note: "a socket filter may not read skb->data directly");
        Add(list, "helper_wrong_program_type", ProgramType.Xdp, "r2 = 0\nr3 = r10\nr3 += -8\nr4 = 8\ncall 26\nr0 = 2\nexit");
        Add(list, "helper_unknown", ProgramType.Xdp, "call 9999\nr0 = 2\nexit");
        Add(list, "scalar_dereference", ProgramType.Xdp, "r2 = 4096\nr0 = *(u32 *)(r2 + 0)\nexit");
        var ringbuf = new[] { Map("events", MapType.Ringbuf, 0, 0, 4096) };
        // Reserve 16 bytes; optionally check for NULL, write 8 bytes at `offset`, optionally submit.
        static string Ringbuf(bool check, int offset, bool submit) => string.Join('\n',
            "ld_pseudo r1, 1, 0", "r2 = 16", "r3 = 0", "call 131",
            check ? "if r0 == 0 goto out" : "",
            "r1 = 1", Invariant($"*(u64 *)(r0 + {offset}) = r1"),
            submit ? "r1 = r0\nr2 = 0\ncall 132" : "",
            check ? "out:" : "", "r0 = 2", "exit");
        Add(list, "ringbuf_unchecked_reserve", ProgramType.Xdp, Ringbuf(check: false, 0, submit: true), ringbuf);
        Add(list, "ringbuf_unreleased", ProgramType.Xdp, Ringbuf(check: true, 0, submit: false), ringbuf);
        Add(list, "ringbuf_record_overflow", ProgramType.Xdp, Ringbuf(check: true, 16, submit: true), ringbuf);
        Add(list, "ringbuf_submit/fixed", ProgramType.Xdp, Ringbuf(check: true, 8, submit: true), ringbuf);
        Add(list, "falls_off_the_end", ProgramType.Xdp, "r0 = 2\nr0 += 1");
        Add(list, "unreachable_code", ProgramType.Xdp, "r0 = 2\nexit\nr0 = 1\nexit");
        Add(list, "jump_out_of_range", ProgramType.Xdp, "r0 = 2\ngoto +5\nexit");
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
