`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_cd_w.vh"

// The walk slots of walk control (smmu_walk): for each walk in flight, what it is for
// (stream, VA page, the context of the configuration answer that started it) and whether an
// invalidation covered it; what an answer looks for among them (a walk in flight to merge
// with, a free walker); which walk ended and whether its result may be used; and what the
// slots fill: the walk caches (a live walk's table descriptor) and the TLB (a walk's result,
// or an STE-bypass answer). Every reader of a slot's record is here; the answer, the walkers
// (with their memory attributes) and the walk caches are smmu_walk's.
module smmu_walk_slots #(
    parameter NW       = 2,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter OAS_BITS = 48,
    parameter SLOT_W   = 1
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire                     smmuen,      // walk-cache fills only with SMMUEN=1

    // the lookup being answered (smmu_walk's query registers) and the answer
    input  wire [SID_W-1:0]         q_sid,
    input  wire [SSID_W-1:0]        q_ssid,
    input  wire                     q_ssv,
    input  wire [63:12]             q_va,
    input  wire [`SMMU_CD_W-1:0]    resp_cd,
    input  wire                     start,       // a new walk starts in slot free_idx
    input  wire                     start_sglob, // ... and this cycle's TLBI covers it if it ends global
    input  wire                     byp_ans,     // an STE-bypass answer (fills the TLB next cycle)
    output reg                      merge_hit,
    output reg  [SLOT_W-1:0]        merge_idx,
    output reg                      free_hit,
    output reg  [SLOT_W-1:0]        free_idx,
    output reg  [SLOT_W:0]          n_idle,
    output wire                     sync_block,  // a stale walk is still reading tables

    // TLBI / CFGI this cycle
    input  wire                     tlbi_valid,
    input  wire [7:0]               tlbi_op,
    input  wire [15:0]              tlbi_asid,
    input  wire [63:12]             tlbi_va,
    input  wire                     tlbi_leaf,
    input  wire                     cfgi_valid,
    input  wire [31:0]              cfgi_sid,
    input  wire [31:0]              cfgi_mask,

    // the walkers (smmu_ptw)
    input  wire [NW-1:0]            s_idle,
    input  wire [NW-1:0]            s_avail,     // idle and no TBU holds it
    input  wire [NW-1:0]            s_ng,
    input  wire [NW-1:0]            p_done,
    input  wire [NW-1:0]            td_valid,

    // the result message: the slot that ended, and whether it is stale (its other fields are
    // the walker's, read at w_slot by smmu_walk and given back for the TLB fill)
    output wire                     w_done,
    output wire [SLOT_W-1:0]        w_slot,
    output wire                     w_stale,
    input  wire [2:0]               w_fault,
    input  wire [OAS_BITS-13:0]     w_pa,
    input  wire [1:0]               w_size,
    input  wire [4:0]               w_perm,
    input  wire                     w_ng,
    input  wire [5:0]               w_ax,

    // the walk-cache fill: slot tf_idx's table descriptor and record
    output wire                     wc_fill,
    output reg  [SLOT_W-1:0]        tf_idx,
    output wire [SID_W-1:0]         wc_sid,
    output wire                     wc_ssv,
    output wire [SSID_W-1:0]        wc_ssid,
    output wire [15:0]              wc_asid,
    output wire [47:21]             wc_va,

    // TLB fill
    output reg                      fill_valid,
    output reg                      fill_byp,
    output reg  [SID_W-1:0]         fill_sid,
    output reg  [SSID_W-1:0]        fill_ssid,
    output reg                      fill_ssv,
    output reg  [63:12]             fill_va,
    output reg                      fill_tbi,
    output reg  [1:0]               fill_size,
    output reg  [15:0]              fill_asid,
    output reg                      fill_ng,
    output reg  [OAS_BITS-1:12]     fill_pa,
    output reg  [4:0]               fill_perm,
    output reg                      fill_pan,
    output reg  [21:0]              fill_ax
);

`include "smmu_cd.vh"
`include "smmu_inv.vh"

wire inv = tlbi_valid || cfgi_valid;
`include "smmu_attr.vh"

// ---------------------------------------------------------- slots
reg [NW-1:0]     s_stale;   // an invalidation covered the walk: its result is not used
reg [NW-1:0]     s_sglob;   // ... covered it if the result is global (decided at the end)
reg [SID_W-1:0]  s_sid  [0:NW-1];
reg [SSID_W-1:0] s_ssid [0:NW-1];
reg              s_ssv  [0:NW-1];
reg [63:12]      s_va   [0:NW-1];
reg              s_tbi  [0:NW-1];
reg [15:0]       s_asid [0:NW-1];
reg              s_pan  [0:NW-1];
reg [OVR_W-1:0]  s_ovr  [0:NW-1];

wire        cd_tbi  = resp_cd[CD_TBI0];

// merge: a walk in flight, not stale, for the same stream and VA page
always @* begin
    merge_hit = 1'b0;
    merge_idx = {SLOT_W{1'b0}};
    free_hit  = 1'b0;
    free_idx  = {SLOT_W{1'b0}};
    n_idle    = {(SLOT_W+1){1'b0}};
    for (integer i = 0; i < NW; i = i + 1) begin
        if (!merge_hit && !s_idle[i] && !s_stale[i] && s_sid[i] == q_sid && s_ssv[i] == q_ssv &&
            s_ssid[i] == q_ssid && s_tbi[i] == cd_tbi &&
            (cd_tbi ? s_va[i][55:12] == q_va[55:12] : s_va[i] == q_va)) begin
            merge_hit = 1'b1;
            merge_idx = i[SLOT_W-1:0];
        end
        if (s_avail[i]) begin
            n_idle = n_idle + 1'b1;
            if (!free_hit) begin
                free_hit = 1'b1;
                free_idx = i[SLOT_W-1:0];
            end
        end
    end
end

// CMD_SYNC waits for walks an earlier invalidation covered (or may have covered):
// after TLBI + SYNC software may free the tables they read
assign sync_block = |((s_stale | s_sglob) & ~s_idle);

// ---------------------------------------------------------- walk-cache fill
// the table descriptor a live walk took last cycle (walkers share the one
// R channel, so at most one per cycle; the lowest slot wins regardless)
reg              tf_hit;
always @* begin
    tf_hit = 1'b0;
    tf_idx = {SLOT_W{1'b0}};
    for (integer i = 0; i < NW; i = i + 1)
        if (!tf_hit && td_valid[i] && !s_stale[i] && !s_sglob[i]) begin
            tf_hit = 1'b1;
            tf_idx = i[SLOT_W-1:0];
        end
end
assign wc_fill = tf_hit && smmuen && !inv;
assign wc_sid  = s_sid[tf_idx];
assign wc_ssv  = s_ssv[tf_idx];
assign wc_ssid = s_ssid[tf_idx];
assign wc_asid = s_asid[tf_idx];
assign wc_va   = s_va[tf_idx][47:21];

// ---------------------------------------------------------- the end of a walk
// coverage of every walk in flight by this cycle's invalidation
reg [NW-1:0] c_any, c_glob;
reg [1:0]    c_t;
always @* begin
    c_t = 2'b00;
    for (integer i = 0; i < NW; i = i + 1) begin
        c_t = tlbi_valid ? tlbi_covers_walk(tlbi_op, tlbi_asid, tlbi_va, tlbi_leaf, s_asid[i], s_va[i][47:12])
                         : 2'b00;
        c_any[i]  = c_t[0] ||
                    (cfgi_valid && cfgi_covers({{(32-SID_W){1'b0}}, s_sid[i]}, cfgi_sid, cfgi_mask));
        c_glob[i] = c_t[1];
    end
end
// the decision at the walk's end: the marks kept so far, and this cycle's invalidation
wire [NW-1:0] k_stale = s_stale | (s_sglob & ~s_ng);
wire [NW-1:0] p_stale = k_stale | c_any | (c_glob & ~s_ng);

// the walker whose last descriptor arrived (p_done is one-hot or zero: walkers finish
// on their own beat of the one R channel, checked in smmu_walk)
reg              wd_hit;
reg [SLOT_W-1:0] wd_idx;
always @* begin
    wd_hit = 1'b0;
    wd_idx = {SLOT_W{1'b0}};
    for (integer i = 0; i < NW; i = i + 1)
        if (!wd_hit && p_done[i]) begin
            wd_hit = 1'b1;
            wd_idx = i[SLOT_W-1:0];
        end
end
assign w_done  = wd_hit;
assign w_slot  = wd_idx;
assign w_stale = p_stale[wd_idx];

// ---------------------------------------------------------- TLB fill
// A successful walk that is not stale fills (the result message's walk).
// An STE-bypass answer from a cacheable configuration fills a bypass entry in
// the next cycle (registered in bf_*, so the answer's range checks and the
// TLB's fill compare are not one path) when no walk fills then; an
// invalidation in the answer cycle or in that cycle drops it, as one in the
// answer cycle dropped the fill when it was made then.
reg              bf_v_reg;
reg [SID_W-1:0]  bf_sid_reg;
reg [SSID_W-1:0] bf_ssid_reg;
reg              bf_ssv_reg;
reg [63:12]      bf_va_reg;
reg [OVR_W-1:0]  bf_ovr_reg;
always @(posedge clk) begin
    if (rst)
        bf_v_reg <= 1'b0;
    else
        bf_v_reg <= byp_ans && !inv;
    bf_sid_reg  <= q_sid;
    bf_ssid_reg <= q_ssid;
    bf_ssv_reg  <= q_ssv;
    bf_va_reg   <= q_va;
    bf_ovr_reg  <= resp_cd[CD_OVR_LSB +: OVR_W];
end
// (fill_valid is 0 in an invalidation's cycle, so the fill needs only the stale marks kept so
// far, k_stale, not this cycle's coverage: the TLBI compare is kept off the TLB fill path)
reg                   wf_hit;    // the fill of this cycle: slot wf_idx
reg  [SLOT_W-1:0]     wf_idx;
always @* begin
    wf_hit = w_done && !k_stale[wd_idx] && w_fault == 3'd0;
    wf_idx = w_slot;
end

always @* begin
    fill_valid = 1'b0;
    fill_byp   = 1'b0;
    fill_sid   = s_sid[wf_idx];
    fill_ssid  = s_ssid[wf_idx];
    fill_ssv   = s_ssv[wf_idx];
    fill_va    = s_va[wf_idx];
    fill_tbi   = s_tbi[wf_idx];
    fill_size  = w_size;
    fill_asid  = s_asid[wf_idx];
    fill_ng    = w_ng;
    fill_pa    = w_pa;
    fill_perm  = w_perm;
    fill_pan   = s_pan[wf_idx];
    fill_ax    = {s_ovr[wf_idx], 1'b1, w_ax};
    if (inv) begin
        fill_valid = 1'b0;
    end else if (wf_hit) begin
        fill_valid = 1'b1;
    end else if (bf_v_reg) begin
        fill_valid = 1'b1;
        fill_byp   = 1'b1;
        fill_sid   = bf_sid_reg;
        fill_ssid  = bf_ssid_reg;
        fill_ssv   = bf_ssv_reg;
        fill_va    = bf_va_reg;
        fill_tbi   = 1'b0;
        fill_size  = 2'd0;
        fill_asid  = 16'd0;
        fill_ng    = 1'b0;
        fill_pa    = {(OAS_BITS-12){1'b0}};
        fill_perm  = 5'b11111;
        fill_pan   = 1'b0;
        fill_ax    = {bf_ovr_reg, 7'd0};
    end
end

// ---------------------------------------------------------- the records
always @(posedge clk) begin
    if (rst) begin
        s_stale    <= {NW{1'b0}};
        s_sglob    <= {NW{1'b0}};
        for (integer k = 0; k < NW; k = k + 1) begin
            s_sid[k]  <= {SID_W{1'b0}};
            s_ssid[k] <= {SSID_W{1'b0}};
            s_ssv[k]  <= 1'b0;
            s_va[k]   <= 52'd0;
            s_tbi[k]  <= 1'b0;
            s_asid[k] <= 16'd0;
            s_pan[k]  <= 1'b0;
            s_ovr[k]  <= {OVR_W{1'b0}};
        end
    end else begin
        for (integer k = 0; k < NW; k = k + 1)
            if (!s_idle[k]) begin
                if (c_any[k])
                    s_stale[k] <= 1'b1;
                if (c_glob[k])
                    s_sglob[k] <= 1'b1;
            end
        if (start) begin
            s_stale[free_idx]  <= 1'b0;
            s_sglob[free_idx]  <= start_sglob;
            s_sid[free_idx]    <= q_sid;
            s_ssid[free_idx]   <= q_ssid;
            s_ssv[free_idx]    <= q_ssv;
            s_va[free_idx]     <= q_va;
            s_tbi[free_idx]    <= cd_tbi;
            s_asid[free_idx]   <= resp_cd[CD_ASID_LSB +: 16];
            s_pan[free_idx]    <= resp_cd[CD_PAN];
            s_ovr[free_idx]    <= resp_cd[CD_OVR_LSB +: OVR_W];
        end
    end
end

// ---------------------------------------------------------- formal (yosys-sby only)
// Independent of the scoping functions above: an invalidation that covers every
// stage-1 walk (TLBI_NH_ALL / NSNH_ALL), every walk of its ASID (TLBI_NH_ASID) or
// of its StreamID (CFGI_*) while a walk is in flight makes that walk's result
// unusable: not installed, reported stale, and CMD_SYNC waits for the walk.
`ifdef FORMAL
reg [NW-1:0] f_cov;
always @(posedge clk)
    if (rst)
        f_cov <= {NW{1'b0}};
    else
        for (integer k = 0; k < NW; k = k + 1)
            if (start && free_idx == k)
                f_cov[k] <= 1'b0;
            else if (!s_idle[k] && ((tlbi_valid && (tlbi_op == INV_NH_ALL || tlbi_op == INV_NSNH_ALL)) ||
                                    (tlbi_valid && tlbi_op == INV_NH_ASID && tlbi_asid == s_asid[k]) ||
                                    (cfgi_valid && ((s_sid[k] ^ cfgi_sid[SID_W-1:0]) & cfgi_mask[SID_W-1:0]) ==
                                                   {SID_W{1'b0}} && cfgi_mask[31:SID_W] == {(32-SID_W){1'b0}})))
                f_cov[k] <= 1'b1;
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen && !rst) begin
    assert(!(fill_valid && inv));                                   // nothing installed during an invalidation
    if (fill_valid && !fill_byp) assert(p_done[wf_idx] && !p_stale[wf_idx]);
    for (integer k = 0; k < NW; k = k + 1) begin
        if (p_done[k] && f_cov[k]) assert(p_stale[k]);               // a covered walk is never used
        if (wc_fill && tf_idx == k) assert(!f_cov[k] && !s_idle[k]);  // ... nor fills the walk caches
        if (!s_idle[k] && f_cov[k]) assert(sync_block);              // CMD_SYNC waits for it
    end
end
// block harness covers (formal/f_blocks.v f_walk; the whole-design harnesses have no TLBI source)
`ifdef SMMU_FORMAL_WALK
always @(posedge clk) if (f_rst_seen && !rst) begin
    cover(p_done[0] && f_cov[0]);                                    // a covered walk ends stale
    cover(fill_valid && !fill_byp);                                  // a walk result installed
end
`endif
`endif

endmodule

`resetall
