# Fibonacci with a bpf-to-bpf call: r0 = fib(r1), where r1 is the first byte of the memory.
        r1 = *(u8 *)(r1 + 0)
        call fib
        exit

# fib(n) iteratively: a, b = 0, 1; repeat n times: a, b = b, a + b
fib:
        r0 = 0
        r2 = 1
loop:
        if r1 == 0 goto done
        r3 = r0
        r3 += r2
        r0 = r2
        r2 = r3
        r1 += -1
        goto loop
done:
        exit
