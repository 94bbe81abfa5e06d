// Legal ranges of the smmu_top / smmu_multi parameters (docs/architecture.md
// "Parameters"): an illegal value stops elaboration.
initial begin
    if (DATA_W != 64 && DATA_W != 128)
        $error("%m: DATA_W must be 64 or 128");
    if (ID_W < 1 || ID_W > 8)
        $error("%m: ID_W must be 1..8");
    if (STALL_MODEL < 0 || STALL_MODEL > 2)
        $error("%m: STALL_MODEL must be 0, 1 or 2");
    if (STALL_MAX < 1 || STALL_MAX > 32)
        $error("%m: STALL_MAX must be 1..32 (16 stalls per direction)");
    if (TLB_ENTRIES < 1)
        $error("%m: TLB_ENTRIES must be >= 1");
    if (XLT_SLOTS < 4 || XLT_SLOTS > 64)
        $error("%m: XLT_SLOTS must be 4..64");
    if (STALL_SLOTS < 1 || STALL_SLOTS > XLT_SLOTS - 2)
        $error("%m: STALL_SLOTS must be 1..XLT_SLOTS-2 (two slots stay for hit-under-fault)");
    if (WALKERS < 1 || WALKERS > 8)
        $error("%m: WALKERS must be 1..8");
    if (CFG_ENTRIES < 1 || CFG_ENTRIES > 64)
        $error("%m: CFG_ENTRIES must be 1..64");
    if (PARK_SLOTS < 2 || PARK_SLOTS > 64 || (PARK_SLOTS & (PARK_SLOTS - 1)) != 0)
        $error("%m: PARK_SLOTS must be a power of 2 in 2..64");
    if (PARK_BEATS < 2 || PARK_BEATS > 256 || (PARK_BEATS & (PARK_BEATS - 1)) != 0)
        $error("%m: PARK_BEATS must be a power of 2 in 2..256");
    if (WCACHE_ENTRIES < 0 || WCACHE_ENTRIES > 32)
        $error("%m: WCACHE_ENTRIES must be 0..32");
    if (MTLB_SETS != 0 && (MTLB_SETS < 16 || MTLB_SETS > 4096 || (MTLB_SETS & (MTLB_SETS - 1)) != 0))
        $error("%m: MTLB_SETS must be 0 or a power of 2 in 16..4096");
    if (MTLB_WAYS < 1 || MTLB_WAYS > 8)
        $error("%m: MTLB_WAYS must be 1..8");
    if (LINK_REG < 0 || LINK_REG > 1)
        $error("%m: LINK_REG must be 0 or 1");
    if (MTLB_BLOCKS < 1 || MTLB_BLOCKS > 32)
        $error("%m: MTLB_BLOCKS must be 1..32");
end
