/* verilator lint_off UNUSEDPARAM */
`include "smmu_cd_w.vh"
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
localparam CD_MAIR_LSB = 78;   // CD.MAIR     64 bits (stage-1 memory attributes)
localparam CD_OVR_LSB  = 142;  // STE dword-1 overrides, 15 bits (layout in smmu_attr.vh)
localparam CD_WATTR_LSB = 157; // CD {SH0, OR0, IR0}, 6 bits: attributes of the TTB0 walk
localparam CD_W        = `SMMU_CD_W;   // 163, smmu_cd_w.vh

// address bits of an IPS / OAS encoding (IDR5.OAS, CD.IPS)
function automatic [5:0] ips_to_bits;
    input [2:0] enc;
    begin
        case (enc)
            3'd0: ips_to_bits = 6'd32;
            3'd1: ips_to_bits = 6'd36;
            3'd2: ips_to_bits = 6'd40;
            3'd3: ips_to_bits = 6'd42;
            3'd4: ips_to_bits = 6'd44;
            default: ips_to_bits = 6'd48;
        endcase
    end
endfunction

// output address of a translation: the page/block base of size 4 KiB (0),
// 2 MiB (1) or 1 GiB (2), with the offset inside it from the VA
// (used by modules with an OAS_BITS parameter)
function automatic [OAS_BITS-1:0] join_pa;
    input [OAS_BITS-1:12] jp_base;
    input [1:0]           jp_size;
    input [29:0]          jp_va;
    reg [OAS_BITS-1:0] r;
    begin
        r = {jp_base, 12'd0};
        if (jp_size == 2'd2)
            r[29:0] = jp_va[29:0];
        else if (jp_size == 2'd1)
            r[20:0] = jp_va[20:0];
        else
            r[11:0] = jp_va[11:0];
        join_pa = r;
    end
endfunction
/* verilator lint_on UNUSEDPARAM */
