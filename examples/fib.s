# fib.s: the 90th Fibonacci number, iteratively (LLVM syntax).
# ./sharpbpf run examples/fib.s  ->  r0 = 0x27f80ddaa1ba7878
    r0 = 0
    r1 = 1
    r2 = 90
loop:
    r3 = r0
    r3 += r1
    r0 = r1
    r1 = r3
    r2 += -1
    if r2 != 0 goto loop
    exit
