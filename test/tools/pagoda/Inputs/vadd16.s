# Vector add of two 1024-element f16 vectors on one vector core.
.kernel vadd16
.core aiv
    ldarg x1, 0            # a (GM)
    ldarg x2, 1            # b
    ldarg x3, 2            # c
    movi x10, 0            # UB offsets of a, b, c
    movi x11, 2048
    movi x12, 4096
    dma_gm_ub x10, x1, len=64
    dma_gm_ub x11, x2, len=64
    setf mte2, v, 0
    waitf mte2, v, 0
    vadd.f16 x12, x10, x11, rep=8
    setf v, mte3, 0
    waitf v, mte3, 0
    dma_ub_gm x3, x12, len=64
loop:
    addi x6, x6, -1
    bne x6, x0, loop
    barrier all
    halt
