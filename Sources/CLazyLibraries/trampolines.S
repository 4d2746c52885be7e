/* One trampoline per function of lazy_functions.h, named like the function:
   it jumps through the function's slot (resolver.c). The slot first points to
   the function's stub, which keeps the caller's argument registers, asks
   packd_lazy_resolve for the address (loading the library on first use),
   stores it in the slot and jumps there: the library's function then runs as
   if called directly. Trampolines are hidden, so a loaded library never binds
   to them instead of its own functions. */

#if defined(__x86_64__)

    .text

#define LAZY_FUNCTION(library, name)                                           \
    .globl name;                                                               \
    .hidden name;                                                              \
    .type name, @function;                                                     \
    .p2align 4;                                                                \
name:                                                                          \
    jmp *packd_lazy_slot_##name(%rip);                                         \
    .size name, . - name;                                                      \
    .globl packd_lazy_stub_##name;                                             \
    .hidden packd_lazy_stub_##name;                                            \
packd_lazy_stub_##name:                                                        \
    leaq packd_lazy_entry_##name(%rip), %r11;                                  \
    jmp packd_lazy_resolve_keeping_arguments;

#include "lazy_functions.h"

/* %r11 holds the entry. Keeps the integer and vector argument registers and
   %rax (a variadic call's vector count); the stack is 16-byte aligned at the
   call (8 on entry, then %rbp and seven registers and 136 bytes). */
    .p2align 4
packd_lazy_resolve_keeping_arguments:
    pushq %rbp
    movq %rsp, %rbp
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %rcx
    pushq %r8
    pushq %r9
    pushq %rax
    subq $136, %rsp
    movdqu %xmm0, 0(%rsp)
    movdqu %xmm1, 16(%rsp)
    movdqu %xmm2, 32(%rsp)
    movdqu %xmm3, 48(%rsp)
    movdqu %xmm4, 64(%rsp)
    movdqu %xmm5, 80(%rsp)
    movdqu %xmm6, 96(%rsp)
    movdqu %xmm7, 112(%rsp)
    movq %r11, %rdi
    call packd_lazy_resolve
    movq %rax, %r11
    movdqu 0(%rsp), %xmm0
    movdqu 16(%rsp), %xmm1
    movdqu 32(%rsp), %xmm2
    movdqu 48(%rsp), %xmm3
    movdqu 64(%rsp), %xmm4
    movdqu 80(%rsp), %xmm5
    movdqu 96(%rsp), %xmm6
    movdqu 112(%rsp), %xmm7
    addq $136, %rsp
    popq %rax
    popq %r9
    popq %r8
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
    popq %rbp
    jmp *%r11

#elif defined(__aarch64__)

    .text

#define LAZY_FUNCTION(library, name)                                           \
    .globl name;                                                               \
    .hidden name;                                                              \
    .type name, %function;                                                     \
    .p2align 2;                                                                \
name:                                                                          \
    adrp x16, packd_lazy_slot_##name;                                          \
    ldr x16, [x16, :lo12:packd_lazy_slot_##name];                              \
    br x16;                                                                    \
    .size name, . - name;                                                      \
    .globl packd_lazy_stub_##name;                                             \
    .hidden packd_lazy_stub_##name;                                            \
packd_lazy_stub_##name:                                                        \
    adrp x17, packd_lazy_entry_##name;                                         \
    add x17, x17, :lo12:packd_lazy_entry_##name;                               \
    b packd_lazy_resolve_keeping_arguments;

#include "lazy_functions.h"

/* x17 holds the entry. Keeps x0-x8, q0-q7 and the link register. */
    .p2align 2
packd_lazy_resolve_keeping_arguments:
    stp x29, x30, [sp, #-224]!
    mov x29, sp
    stp x0, x1, [sp, #16]
    stp x2, x3, [sp, #32]
    stp x4, x5, [sp, #48]
    stp x6, x7, [sp, #64]
    str x8, [sp, #80]
    stp q0, q1, [sp, #96]
    stp q2, q3, [sp, #128]
    stp q4, q5, [sp, #160]
    stp q6, q7, [sp, #192]
    mov x0, x17
    bl packd_lazy_resolve
    mov x16, x0
    ldp q6, q7, [sp, #192]
    ldp q4, q5, [sp, #160]
    ldp q2, q3, [sp, #128]
    ldp q0, q1, [sp, #96]
    ldr x8, [sp, #80]
    ldp x6, x7, [sp, #64]
    ldp x4, x5, [sp, #48]
    ldp x2, x3, [sp, #32]
    ldp x0, x1, [sp, #16]
    ldp x29, x30, [sp], #224
    br x16

#else
#error "packd loads libcups, pango/cairo and poppler on first use through trampolines written for x86_64 and aarch64 only (Sources/CLazyLibraries/trampolines.S)"
#endif

    .section .note.GNU-stack, "", %progbits
