# A code section without function symbols: the loader names its one program after the section.
	.section "socket/raw","ax",@progbits
	r0 = 0
	r0 += 7
	exit

	.section "license","aw",@progbits
	.asciz "GPL"
