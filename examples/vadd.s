# c = a + b in f16: every vector core adds its own 512-element slice, chosen by
# its AI core (coreid) and its place in it (subid). Run it with:
#   pagoda sim examples/vadd.s --block-dim 2 --buffer 4096 --buffer 4096 --buffer 4096
.kernel vadd
.core aiv
    ldarg x1, 0            # a
    ldarg x2, 1            # b
    ldarg x3, 2            # c
    coreid x20
    shli x20, x20, 1
    subid x21
    add x20, x20, x21
    muli x20, x20, 1024    # byte offset of this vector core's slice
    add x1, x1, x20
    add x2, x2, x20
    add x3, x3, x20
    movi x11, 1024
    movi x12, 2048
    dma_gm_ub x0, x1, len=32
    dma_gm_ub x11, x2, len=32
    setf mte2, v, 0
    waitf mte2, v, 0
    vadd.f16 x12, x0, x11, rep=4
    setf v, mte3, 0
    waitf v, mte3, 0
    dma_ub_gm x3, x12, len=32
    halt
