`resetall
`timescale 1ns / 1ps
`default_nettype none

// The payload memories of a translation queue's pending table (smmu_xlt_q), and the walk
// results held per walk slot until the entries have copied them.
//
// Every array is written at one index per port and read at a few indexes (the output choice
// sel_*, the configuration request cq_*, the record ev_*, the oldest unparked write hd_*), so
// synthesis maps each to LUT RAM (one copy per read port); none has a reset: an entry's fields
// are read only while it is valid, and each is written before the state that reads it.
//   pl    {addr, attr, sid, ssid, ssv}: written when the entry enters (push)
//   len   AxLEN: written when the entry enters
//   hpa   the page of a decision made when the entry entered (TLB hit), written then
//   hax   the whole attribute transform (smmu_attr.vh) of a decision made at entry (TLB hit,
//         GBPA), written then
//   cax   the transform's upper bits {OVR, S1} of a configuration answer or of the GBPA
//         decision after SMMUEN 1 -> 0 (one write port, cax_*: the queue gives an answer
//         precedence); the entry's csel says these are the bits in effect
//   wpa,  a walk's result: the output address's base, or after a walk fault its FetchAddr
//   wax   (the record), and its stage-1 transform bits [5:0]; the entry's wsel says these are
//         in effect
//   pslot the park slot of a write whose W data is parked
//
// A walk ends for every entry waiting for it at once, so its result is held per walk slot
// (sb_pa, sb_ax) and copied into wpa / wax one entry a cycle, the lowest-numbered entry whose
// copy is pending (ent_wb): every one is copied within PEND cycles. Until then the readers
// take the slot's buffer (the queue's conversion stage reads cv_*; the record reads ev_*
// through here). w_hold names the slots whose result an entry may still read: waiting for
// the walk (ent_walk, or its configuration answer naming the slot arrives now, ans_walk),
// not copied yet, or in the conversion stage before its copy (cv_wb). It is registered; the
// TCU does not end a walk in a held slot (smmu_walk).
module smmu_xlt_mem #(
    parameter OAS_BITS = 48,
    parameter PL_W     = 98,
    parameter PEND     = 8,
    parameter PIDX_W   = 3,
    parameter SLOT_W   = 1,
    parameter PSLOT_W  = 1
) (
    input  wire                        clk,
    input  wire                        rst,

    // an entry enters the table
    input  wire                        push,
    input  wire [PIDX_W-1:0]           push_idx,
    input  wire [PL_W-1:0]             push_pl,
    input  wire [7:0]                  push_len,
    input  wire [OAS_BITS-1:12]        push_hpa,
    input  wire [21:0]                 push_hax,
    // the write of entry pk_idx is parked in slot pk_slot
    input  wire                        pk_take,
    input  wire [PIDX_W-1:0]           pk_idx,
    input  wire [PSLOT_W-1:0]          pk_slot,
    // a configuration answer or GBPA decision's {OVR, S1}
    input  wire                        cax_we,
    input  wire [PIDX_W-1:0]           cax_idx,
    input  wire [15:0]                 cax_d,
    // a walk ends in slot w_slot with this result
    input  wire                        w_done,
    input  wire [SLOT_W-1:0]           w_slot,
    input  wire [OAS_BITS-1:3]         w_res,
    input  wire [5:0]                  w_ax,
    // the entries: copy pending (wb), walk slot, waiting for a walk
    input  wire [PEND-1:0]             ent_wb,
    input  wire [SLOT_W*PEND-1:0]      ent_slot,
    input  wire [PEND-1:0]             ent_walk,
    input  wire                        ans_walk,   // a configuration answer names slot ans_slot
    input  wire [SLOT_W-1:0]           ans_slot,
    output wire                        cp_any,     // entry cp_idx copies its walk's result
    output wire [PIDX_W-1:0]           cp_idx,
    output reg  [(1<<SLOT_W)-1:0]      w_hold,

    // read ports
    input  wire [PIDX_W-1:0]           sel_idx,    // the output choice
    input  wire                        sel_csel,
    input  wire                        sel_wsel,
    output wire [PL_W-1:0]             sel_pl,
    output wire [7:0]                  sel_len,
    output wire [21:0]                 sel_ax,     // the transform from its sources
    output wire [OAS_BITS-1:12]        sel_wbase,  // the walk's base as copied
    output wire [OAS_BITS-1:12]        sel_hbase,
    output wire [PSLOT_W-1:0]          sel_pslot,
    input  wire                        cv_wb,      // the conversion stage's walk result, not
    input  wire                        cv_v,       // copied yet: read from its slot
    input  wire [SLOT_W-1:0]           cv_slot,
    output wire [OAS_BITS-1:12]        cv_base,
    output wire [5:0]                  cv_ax,
    input  wire [PIDX_W-1:0]           cq_idx,     // the configuration request
    output wire [PL_W-1:0]             cq_pl,
    input  wire [PIDX_W-1:0]           ev_idx,     // the record
    output wire [PL_W-1:0]             ev_pl,
    output wire [OAS_BITS-1:3]         ev_wpa,     // its walk's FetchAddr, copied or not
    input  wire [PIDX_W-1:0]           hd_idx,     // the oldest unparked write
    output wire [7:0]                  hd_len
);

`include "smmu_attr.vh"   // AX_W, AX_S1
localparam NSLOT = 1 << SLOT_W;

reg [PL_W-1:0]      p_pl    [0:PEND-1];
reg [7:0]           p_len   [0:PEND-1];
reg [OAS_BITS-1:12] p_hpa   [0:PEND-1];
reg [OAS_BITS-1:3]  p_wpa   [0:PEND-1];
reg [PSLOT_W-1:0]   p_pslot [0:PEND-1];
reg [AX_W-1:0]      p_hax   [0:PEND-1];
reg [AX_W-1:AX_S1]  p_cax   [0:PEND-1];
reg [AX_S1-1:0]     p_wax   [0:PEND-1];
reg [OAS_BITS-1:3]  sb_pa   [0:NSLOT-1];
reg [AX_S1-1:0]     sb_ax   [0:NSLOT-1];

// ---------------------------------------------------------------- writes
smmu_rr_first #(.N(PEND), .IDX_W(PIDX_W)) cp_pick_inst (
    .req(ent_wb), .from({PIDX_W{1'b0}}), .any(cp_any), .idx(cp_idx)
);
wire [SLOT_W-1:0] cp_slot = ent_slot[cp_idx*SLOT_W +: SLOT_W];
always @(posedge clk) begin
    if (push) begin
        p_hpa[push_idx] <= push_hpa;
        p_hax[push_idx] <= push_hax;
        p_pl[push_idx]  <= push_pl;
        p_len[push_idx] <= push_len;
    end
    if (pk_take)
        p_pslot[pk_idx] <= pk_slot;
    if (cax_we)
        p_cax[cax_idx] <= cax_d;
    if (w_done) begin
        sb_pa[w_slot] <= w_res;
        sb_ax[w_slot] <= w_ax;
    end
    if (cp_any) begin
        p_wpa[cp_idx] <= sb_pa[cp_slot];
        p_wax[cp_idx] <= sb_ax[cp_slot];
    end
end

reg [NSLOT-1:0] w_hold_n;
always @* begin
    for (integer s = 0; s < NSLOT; s = s + 1) begin
        w_hold_n[s] = (ans_walk && ans_slot == s[SLOT_W-1:0]) ||
                      (cv_v && cv_wb && cv_slot == s[SLOT_W-1:0]);
        for (integer e = 0; e < PEND; e = e + 1)
            if (ent_slot[e*SLOT_W +: SLOT_W] == s[SLOT_W-1:0] && (ent_wb[e] || ent_walk[e]))
                w_hold_n[s] = 1'b1;
    end
end
always @(posedge clk) begin
    if (rst)
        w_hold <= {NSLOT{1'b0}};
    else
        w_hold <= w_hold_n;
end

// ---------------------------------------------------------------- reads
wire [AX_W-1:0]     t_hax = p_hax[sel_idx];
wire [AX_W-1:AX_S1] t_cax = p_cax[sel_idx];
wire [AX_S1-1:0]    t_wax = p_wax[sel_idx];
wire [OAS_BITS-1:3] t_wpa = p_wpa[sel_idx];
wire [OAS_BITS-1:3] t_cv  = sb_pa[cv_slot];
assign sel_pl    = p_pl[sel_idx];
assign sel_len   = p_len[sel_idx];
assign sel_ax    = {sel_csel ? t_cax : t_hax[AX_W-1:AX_S1], sel_wsel ? t_wax : t_hax[AX_S1-1:0]};
assign sel_wbase = t_wpa[OAS_BITS-1:12];
assign sel_hbase = p_hpa[sel_idx];
assign sel_pslot = p_pslot[sel_idx];
assign cv_base   = t_cv[OAS_BITS-1:12];
assign cv_ax     = sb_ax[cv_slot];
assign cq_pl     = p_pl[cq_idx];
assign ev_pl     = p_pl[ev_idx];
wire [SLOT_W-1:0] ev_slot = ent_slot[ev_idx*SLOT_W +: SLOT_W];
assign ev_wpa    = ent_wb[ev_idx] ? sb_pa[ev_slot] : p_wpa[ev_idx];
assign hd_len    = p_len[hd_idx];
wire unused_t = &{1'b0, t_wpa[11:3], t_cv[11:3]};

endmodule

`resetall
