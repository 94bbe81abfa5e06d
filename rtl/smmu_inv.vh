/* verilator lint_off UNUSEDPARAM */
/* verilator lint_off UNUSEDSIGNAL */
// Scope of an invalidation (included inside modules): what a TLBI or CFGI can
// cover, so that work for other streams, ASIDs and pages runs on.
//
// TLBI operations as the command queue hands them over (tlbi_op)
localparam [7:0] INV_NH_ALL = 8'h10, INV_NH_ASID = 8'h11, INV_NH_VA = 8'h12, INV_NH_VAA = 8'h13,
                 INV_NSNH_ALL = 8'h30;

// A VA a TLB entry can hold (the fill check of smmu_tlb and smmu_mtlb): bits [55:48] are 0
// and, without TBI, so is the top byte. The walk never returns another (its input-range
// check: T0SZ >= 16, and VA[55] = 1 selects TTB1, which is never walked), so the TLBs tag
// VA[47:12] only and check these two facts once per lookup port.
function va_canon;
    input [63:48] va_hi;
    input         tbi;
    begin
        va_canon = va_hi[55:48] == 8'd0 && (tbi || va_hi[63:56] == 8'd0);
    end
endfunction

// CFGI_* by StreamID: (sid & mask) == (cfgi_sid & mask)
function cfgi_covers;
    input [31:0] sid;
    input [31:0] cf_sid;
    input [31:0] cf_mask;
    begin
        cfgi_covers = ((sid ^ cf_sid) & cf_mask) == 32'd0;
    end
endfunction

// A walk in flight for {asid, va}: {covered if the walk ends global, covered}.
// The walk reads table descriptors the TLBI may name: a VA form covers it when
// the TLBI's VA shares the walk's 1 GiB region (Leaf=1: only the last level,
// whose largest block is 1 GiB) or its 512 GiB level-0 region (Leaf=0: every
// level). Whether the result is global is known only at the walk's end: a VA
// form of another ASID covers a global result only.
function [1:0] tlbi_covers_walk;
    input [7:0]   op;
    input [15:0]  t_asid;
    input [63:12] t_va;
    input         t_leaf;
    input [15:0]  w_asid;
    input [47:12] w_va;
    reg va_ov;
    begin
        va_ov = t_leaf ? (t_va[47:30] == w_va[47:30]) : (t_va[47:39] == w_va[47:39]);
        case (op)
            INV_NH_ALL, INV_NSNH_ALL: tlbi_covers_walk = 2'b01;
            INV_NH_ASID:              tlbi_covers_walk = {1'b0, t_asid == w_asid};
            INV_NH_VA:                tlbi_covers_walk = {va_ov && t_asid != w_asid, va_ov && t_asid == w_asid};
            INV_NH_VAA:               tlbi_covers_walk = {1'b0, va_ov};
            default:                  tlbi_covers_walk = 2'b00;
        endcase
    end
endfunction

// A finished translation {asid, nG, size, va} (a TLB entry, or a decision not yet
// used): the same rule as the TLB's own entries. Only VA[47:12] is compared:
// every translation has VA[55:48] = 0 (the walk's input-range check), and
// covering more is always safe.
function tlbi_covers_xlt;
    input [7:0]   op;
    input [15:0]  t_asid;
    input [63:12] t_va;
    input [15:0]  x_asid;
    input         x_ng;
    input [1:0]   x_size;
    input [47:12] x_va;
    reg [47:12] m;
    reg         va_ov;
    begin
        m = {36{1'b1}};
        if (x_size == 2'd1)
            m[20:12] = 9'd0;
        else if (x_size == 2'd2)
            m[29:12] = 18'd0;
        va_ov = ((t_va[47:12] ^ x_va) & m) == 36'd0;
        case (op)
            INV_NH_ALL, INV_NSNH_ALL: tlbi_covers_xlt = 1'b1;
            INV_NH_ASID:              tlbi_covers_xlt = x_ng && t_asid == x_asid;
            INV_NH_VA:                tlbi_covers_xlt = va_ov && (!x_ng || t_asid == x_asid);
            INV_NH_VAA:               tlbi_covers_xlt = va_ov;
            default:                  tlbi_covers_xlt = 1'b0;
        endcase
    end
endfunction
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on UNUSEDPARAM */
