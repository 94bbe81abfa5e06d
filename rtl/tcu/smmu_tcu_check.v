`resetall
`timescale 1ns / 1ps
`default_nettype none

// The TCU's own checks (smmu_tcu), simulation and formal only: smmu_tcu instantiates this
// only where the link checker runs (never in synthesis). It holds the link protocol checker
// (rtl/common/smmu_link_check.v, link_check_inst) and two bookkeeping invariants of the
// TCU: with LINK_REG=0 the queues' own view of the stall-tag allocation (st_alloc) is the
// TCU's (e_alloc), and the entries waiting for a configuration answer, over every queue,
// are at most one, and only while the engine is busy with it (or answers now). With
// LINK_REG=1 it also keeps its own count, per TBU, of the invalidations (TLBI/CFGI) issued
// and not yet acknowledged (inv_ack), from the link signals alone: no acknowledgement without
// an invalidation, at most INV_MAX in flight, smmu_tcu_inv_ack's inv_pend exactly "some count
// is not zero", and CMD_SYNC blocked (the command queue's sync_block) while one is not: a
// CMD_SYNC completes only after every TBU applied every invalidation issued before it. In
// simulation a broken rule sets the sticky invariant_err (the TCU's dbg_invariant_err,
// read by the testbench at the end of every test) with a message; formal asserts them.
module smmu_tcu_check #(
    parameter NT       = 1,
    parameter NQ       = 2,
    parameter QW       = 1,
    parameter PEND     = 24,
    parameter PIDX_W   = 5,
    parameter SID_W    = 8,
    parameter LINK_REG = 0
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire                     smmuen,
    // the link as the TCU sees it (the names of smmu_tcu)
    input  wire [NQ-1:0]            c_req_valid,
    input  wire [NQ-1:0]            c_req_ready,
    input  wire [NQ-1:0]            c_resp_valid,
    input  wire [NQ-1:0]            e_valid,
    input  wire [NQ-1:0]            e_ready_q,     // the event queue took queue q's record
    input  wire [NQ-1:0]            e_stall,
    input  wire                     evtq_can_write,
    input  wire                     st_avail,
    input  wire [NQ-1:0]            st_alloc,      // the queues' view of the tag allocation
    input  wire [NQ-1:0]            e_alloc,       // the TCU's
    input  wire [NQ*PIDX_W-1:0]     st_alloc_idx,
    input  wire [NQ*SID_W-1:0]      st_alloc_sid,
    input  wire [NQ-1:0]            act_res,
    input  wire [PIDX_W-1:0]        act_idx,
    input  wire                     act_term,
    input  wire [SID_W-1:0]         act_sid,
    input  wire [NQ*(PIDX_W+1)-1:0] n_cfg_wait,
    // the configuration engine
    input  wire                     cfg_req_ready,
    input  wire                     cfg_resp_valid,
    // invalidations (LINK_REG=1) and CMD_SYNC
    input  wire                     inv,           // a TLBI or CFGI is issued this cycle
    input  wire [NT-1:0]            inv_ack,       // TBU t acknowledges one (it applied it)
    input  wire                     inv_pend,      // smmu_tcu_inv_ack: some TBU has one unacknowledged
    input  wire                     cmdq_sync_block, // the command queue may complete a CMD_SYNC only without it
    output wire                     invariant_err
);

// Entries waiting for a configuration answer, over every queue: at most one,
// and only while the engine is busy with it (or answers now).
reg [PIDX_W+QW+1:0] n_wait_sum;
always @* begin
    n_wait_sum = {(PIDX_W+QW+2){1'b0}};
    for (integer k = 0; k < NQ; k = k + 1)
        n_wait_sum = n_wait_sum + {{(QW+1){1'b0}}, n_cfg_wait[k*(PIDX_W+1) +: PIDX_W+1]};
end
// (LINK_REG=1: requests wait in the TBUs' buffers and answers on the link, so the
// count is not the engine's; the link checker's L2 still holds where they meet)
// LINK_REG=0: the queues' own view of the tag allocation (st_alloc) is the TCU's
wire alloc_bad  = LINK_REG == 0 && st_alloc != e_alloc;
wire n_wait_bad = LINK_REG == 0 && (n_wait_sum > 1 || (n_wait_sum != 0 && cfg_req_ready && !cfg_resp_valid));

// LINK_REG=1: per TBU, the invalidations issued and not yet acknowledged, counted from
// the link signals. A TBU sees an invalidation one cycle after it is issued (link register)
// and acknowledges it two cycles after applying it (smmu_tbu_link ack_pipe): at most
// INV_MAX = 3 are in flight. The count is wide enough not to wrap past that.
localparam [3:0] INV_MAX = 4'd3;
reg  [3:0]    inv_cnt [0:NT-1];
reg  [NT-1:0] inv_cnt_nz, inv_ack_bad, inv_cnt_big;
always @(posedge clk)
    for (integer t = 0; t < NT; t = t + 1)
        if (rst || LINK_REG == 0)
            inv_cnt[t] <= 4'd0;
        else
            inv_cnt[t] <= inv_cnt[t] + {3'd0, inv} - {3'd0, inv_ack[t]};
always @* for (integer t = 0; t < NT; t = t + 1) begin
    inv_cnt_nz[t]  = inv_cnt[t] != 4'd0;
    inv_ack_bad[t] = inv_ack[t] && inv_cnt[t] == 4'd0;   // an acknowledgement without an invalidation
    inv_cnt_big[t] = inv_cnt[t] > INV_MAX;
end
// inv_pend is exactly "some TBU has an unacknowledged invalidation", and CMD_SYNC waits for it
wire inv_pend_bad = LINK_REG != 0 && inv_pend != (|inv_cnt_nz);
wire inv_sync_bad = LINK_REG != 0 && (|inv_cnt_nz) && !cmdq_sync_block;

// link protocol rules (rtl/common/smmu_link_check.v)
wire link_err;
smmu_link_check #(.NQ(NQ), .PEND(PEND), .PIDX_W(PIDX_W), .SID_W(SID_W)) link_check_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen), .c_req_valid(c_req_valid), .c_req_ready(c_req_ready),
    .c_resp_valid(c_resp_valid), .e_valid(e_valid), .e_ready(e_ready_q), .e_stall(e_stall),
    .e_stall_ok(evtq_can_write), .st_avail(st_avail), .st_alloc(e_alloc), .st_alloc_idx(st_alloc_idx),
    .st_alloc_sid(st_alloc_sid), .act_res(act_res), .act_idx(act_idx), .act_term(act_term),
    .act_sid(act_sid), .err(link_err)
);

// dbg_invariant_err is sticky; yosys defines SYNTHESIS, so formal has the assertions below instead.
`ifndef SYNTHESIS
reg dbg_invariant_err;
always @(posedge clk) begin
    if (rst)
        dbg_invariant_err <= 1'b0;
    else if (link_err)
        dbg_invariant_err <= 1'b1;     // (smmu_link_check printed which rule)
    else if (alloc_bad) begin
        dbg_invariant_err <= 1'b1;
        $display("%t smmu_tcu: INVARIANT: the queues allocated stall tags %b, the TCU %b", $time, st_alloc, e_alloc);
    end else if (n_wait_bad) begin
        // an entry waits for a configuration answer nobody was asked for
        dbg_invariant_err <= 1'b1;
        $display("%t smmu_tcu: INVARIANT: %0d entries wait for a configuration answer, engine %s",
                 $time, n_wait_sum, cfg_req_ready ? "idle" : "busy");
    end else if (LINK_REG != 0 && ((|inv_ack_bad) || (|inv_cnt_big) || inv_pend_bad || inv_sync_bad)) begin
        dbg_invariant_err <= 1'b1;
        $display("%t smmu_tcu: INVARIANT: invalidations unacknowledged per TBU: nonzero %b, ack without one %b, over %0d %b; inv_pend %b, CMD_SYNC blocked %b",
                 $time, inv_cnt_nz, inv_ack_bad, INV_MAX, inv_cnt_big, inv_pend, cmdq_sync_block);
    end
end
assign invariant_err = dbg_invariant_err;
`else
assign invariant_err = link_err;
`endif

`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen) begin
    assert(!n_wait_bad);
    // one stall-tag allocation per cycle (the event queue takes one record per cycle)
    assert((e_alloc & (e_alloc - 1'b1)) == {NQ{1'b0}});
    assert(!alloc_bad);             // LINK_REG=0: the TBU's view of the allocation is exact
    // LINK_REG=1: no acknowledgement without an invalidation, at most INV_MAX in flight per TBU
    assert(inv_ack_bad == {NT{1'b0}});
    assert(inv_cnt_big == {NT{1'b0}});
    // inv_pend is exactly "some TBU has not acknowledged every invalidation issued"
    assert(!inv_pend_bad);
    // CMD_SYNC completes only after every TBU acknowledged every invalidation issued before it
    assert(!inv_sync_bad);
end
`endif

endmodule

`resetall
