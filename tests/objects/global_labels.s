# Old-style code: two programs marked only by global labels (no function type, no size), as early toolchains wrote them.
	.section "xdp","ax",@progbits
	.globl pass_all
pass_all:
	r0 = 2
	exit
	.globl drop_all
drop_all:
	r0 = 1
	exit

	.section "license","aw",@progbits
	.asciz "GPL"
