using CsCheck;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Elf;
using SharpBpf.ObjectFile.Printing;
using SharpBpf.ObjectFile.Spec;
using Xunit;

namespace SharpBpf.ObjectFile.Tests;

/// <summary>
/// Mutation fuzzing of the ELF, BTF and .BTF.ext readers with CsCheck: the fixtures with random
/// bytes overwritten, flipped, inserted or cut off. Every case must end in a result or a
/// diagnostic, never an exception. (fuzz/ has the SharpFuzz harnesses for long runs.)
/// </summary>
public sealed class FuzzTests
{
    private static readonly byte[][] Seeds = Directory.EnumerateFiles(Fixtures.Dir, "*.o").Order(StringComparer.Ordinal)
        .Select(File.ReadAllBytes).ToArray();

    private static readonly Gen<byte[]> Mutants =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, 3], Gen.Int[1, 16], Gen.Int, Gen.Byte.Array[1, 16], (s, how, n, pos, junk) =>
        {
            var seed = Seeds[s];
            var b = (byte[])seed.Clone();
            int at = (int)((uint)pos % (uint)b.Length);
            switch (how)
            {
                case 0: // overwrite bytes
                    for (int i = 0; i < junk.Length && at + i < b.Length; i++)
                        b[at + i] = junk[i];
                    return b;
                case 1: // flip bits in a header-ish region (ELF header, section headers)
                    for (int i = 0; i < n; i++)
                    {
                        int p = (int)((uint)(pos * 31 + i * 7919) % (uint)b.Length);
                        b[p] ^= (byte)(1 << (i % 8));
                    }
                    return b;
                case 2: // truncate
                    return b[..at];
                default: // insert
                    return [.. b[..at], .. junk, .. b[at..]];
            }
        });

    internal static int CasesRun;

    [Fact]
    public void Mutated_objects_give_a_result_or_a_diagnostic_never_a_crash()
    {
        Mutants.Sample(bytes =>
        {
            Interlocked.Increment(ref CasesRun);
            if (ElfFile.TryParse(bytes, "fuzz.o", out var elf, out var d1))
            {
                foreach (var s in elf!.Sections)
                {
                    if (s.Type is ElfSection.TypeRel or ElfSection.TypeRela)
                        elf.TryGetRelocations(s, out _, out _);
                }
            }
            else
            {
                Assert.NotNull(d1);
            }
            if (!CollectionLoader.TryParse(bytes, "fuzz.o", out var spec, out var d2))
                Assert.True(d2 is not null && d2.Message.Length > 0);
            else
                Assert.NotNull(spec);
        }, iter: 20_000);
    }

    [Fact]
    public void Mutated_btf_gives_a_result_or_a_diagnostic_and_dumps_without_crashing()
    {
        var btfs = Seeds.Select(s => ElfFile.Parse(s)).Select(e => e.GetDataCopy(e.FindSection(".BTF")!)).ToArray();
        Gen.Select(Gen.Int[0, btfs.Length - 1], Gen.Int, Gen.Byte.Array[1, 8], Gen.Bool, (s, pos, junk, cut) =>
        {
            var b = (byte[])btfs[s].Clone();
            int at = (int)((uint)pos % (uint)b.Length);
            if (cut)
                return b[..at];
            for (int i = 0; i < junk.Length && at + i < b.Length; i++)
                b[at + i] = junk[i];
            return b;
        }).Sample(bytes =>
        {
            if (!BtfSpec.TryParse(bytes, null, out var btf, out var d))
            {
                Assert.NotNull(d);
                return;
            }
            // A BTF that validates must also print.
            using var o = new Text.Utf8Output(Stream.Null);
            BtfRawDumper.Dump(btf!, o);
            BtfJsonDumper.Dump(btf!, o, pretty: false);
        }, iter: 20_000);
    }
}
