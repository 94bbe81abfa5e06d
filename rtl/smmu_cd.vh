/* verilator lint_off UNUSEDPARAM */
// Shared encodings of the configuration engine's answer (included inside modules).
//
// Outcome of a configuration lookup
localparam [1:0] KIND_ABORT  = 2'd0,   // terminate with abort (any event already recorded)
                 KIND_BYPASS = 2'd1,   // pass through untranslated
                 KIND_S1     = 2'd2;   // stage-1 translation with the CD bundle below

// The CD bundle: the Context Descriptor fields the walker and fault logic use
localparam CD_TTB0_LSB = 0;    // TTB0[47:4]   44 bits
localparam CD_T0SZ_LSB = 44;   // T0SZ          6 bits
localparam CD_IPS_LSB  = 50;   // effective IPS 3 bits (min(IPS, OAS))
localparam CD_EPD0     = 53;
localparam CD_TBI0     = 54;
localparam CD_AFFD     = 55;
localparam CD_WXN      = 56;
localparam CD_UWXN     = 57;
localparam CD_S        = 58;   // stall on fault
localparam CD_R        = 59;   // record faults
localparam CD_A        = 60;   // abort (1) or RAZ/WI (0) on termination
localparam CD_ASID_LSB = 61;   // ASID         16 bits
localparam CD_PAN      = 77;
localparam CD_W        = 78;
/* verilator lint_on UNUSEDPARAM */
