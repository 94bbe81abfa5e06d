/* verilator lint_off UNUSEDPARAM */
// Codes shared by a translation queue's parts (smmu_xlt_q, smmu_xlt_ent, smmu_xlt_rec) and the
// walkers (smmu_ptw, smmu_walk), included inside modules.

// a pending entry's state (smmu_xlt_ent; docs/architecture.md "Pending entries")
localparam [2:0] P_NEW = 3'd0, P_CFG = 3'd1, P_WALK = 3'd2, P_EVT = 3'd3, P_READY = 3'd4,
                 P_STALL = 3'd5;
// the configuration engine's answer for an entry (smmu_walk / smmu_cfg -> the queue)
localparam [2:0] ANS_ABORT = 3'd0, ANS_BYPASS = 3'd1, ANS_FAULT = 3'd2, ANS_WALK = 3'd3;
// the stall unit's action on a stalled entry (smmu_stallq act_kind)
localparam [1:0] ACT_RETRY = 2'd0, ACT_ABORT = 2'd1, ACT_RAZ = 2'd2;
// a walk's fault (smmu_ptw fault, smmu_walk w_fault)
localparam [2:0] FLT_NONE = 3'd0, FLT_TRANSLATION = 3'd1, FLT_ADDR_SIZE = 3'd2, FLT_ACCESS = 3'd3,
                 FLT_EABT = 3'd4;
// an entry's fault (smmu_xlt_ent fc): the walk's codes above, FC_EABT (the record's
// F_WALK_EABT) for every other walk fault, and FC_PERMISSION; smmu_xlt_rec makes the record's
// event number from it
localparam [2:0] FC_EABT = 3'd4, FC_PERMISSION = 3'd5;
/* verilator lint_on UNUSEDPARAM */
