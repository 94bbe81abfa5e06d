`resetall
`timescale 1ns / 1ps
`default_nettype none

// The configuration request of a translation queue's pending table (smmu_xlt_tbl): which NEW
// entry asks the configuration engine next, or with SMMUEN=0 takes the GBPA decision.
//
// Prefer an entry that is the oldest of its ID. The request is chosen a cycle ahead from the
// entries then NEW and registered (cq_*), so neither the scan nor the engine's ready is on
// one path with the other: it is valid while its entry still needs the lookup (the cycle
// after a request is taken, the registered choice may be that entry again, now CFG: no
// request that cycle, while the engine is busy with the one taken anyway). With no entry NEW,
// the transaction entering the table is the choice, so a miss asks in its first NEW cycle.
// SMMUEN=0: the registered NEW choice takes the GBPA decision (gb_go, one entry a cycle: it
// writes the payload's cax port, which a configuration answer has first).
module smmu_xlt_creq #(
    parameter PEND   = 8,
    parameter PIDX_W = 3
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              smmuen,
    input  wire [PEND-1:0]   s_new,        // the entries NEW ...
    input  wire [PEND-1:0]   s_cfg,        // ... waiting for their answer (CFG)
    input  wire [PEND-1:0]   old0,         // ... with nothing older of their ID pending
    input  wire              push,         // an entry enters the table (free_idx)
    input  wire [PIDX_W-1:0] free_idx,
    output wire              c_req_valid,  // entry cq_idx asks the configuration engine
    output wire [PIDX_W-1:0] cq_idx,
    output wire              gb_go,        // entry cq_idx takes the GBPA decision (SMMUEN=0)
    input  wire              c_cancel,     // the request of entry c_cancel_idx was withdrawn
    input  wire [PIDX_W-1:0] c_cancel_idx,
    input  wire              c_resp_valid, // an answer for entry c_resp_idx ...
    input  wire [PIDX_W-1:0] c_resp_idx,
    output wire              cr_take,      // ... that its entry takes (the entry's P_CFG case)
    output reg  [PIDX_W:0]   n_cfg_wait    // entries waiting for a configuration answer (checks)
);

reg               cq_v_reg;
reg  [PIDX_W-1:0] cq_idx_reg;
wire              cq_ok = cq_v_reg && s_new[cq_idx_reg];
assign c_req_valid = cq_ok && smmuen;
assign cq_idx      = cq_idx_reg;
assign gb_go       = cq_ok && !smmuen && !c_resp_valid;
assign cr_take     = c_resp_valid && s_cfg[c_resp_idx] && !(c_cancel && c_cancel_idx == c_resp_idx);

wire              nq_any;
wire [PIDX_W-1:0] nq_idx;
wire [PEND-1:0]   nq_first = s_new & old0;
// the lowest-numbered oldest-of-its-ID NEW entry, else the lowest-numbered NEW entry
smmu_rr_first #(.N(PEND), .IDX_W(PIDX_W)) nq_pick_inst (
    .req(|nq_first ? nq_first : s_new), .from({PIDX_W{1'b0}}), .any(nq_any), .idx(nq_idx)
);

always @(posedge clk) begin
    if (rst) begin
        cq_v_reg   <= 1'b0;
        cq_idx_reg <= {PIDX_W{1'b0}};
    end else begin
        // no entry NEW now: the one entering the table is the next choice (a miss asks the
        // TCU the cycle it is NEW instead of a cycle later; one entering READY asks nothing,
        // cq_ok checks the state)
        cq_v_reg   <= nq_any || push;
        cq_idx_reg <= nq_any ? nq_idx : free_idx;
    end
end

// at most one over both queues, and only while the configuration engine holds its request
// (smmu_top checks)
always @* begin
    n_cfg_wait = {(PIDX_W+1){1'b0}};
    for (integer i = 0; i < PEND; i = i + 1)
        if (s_cfg[i])
            n_cfg_wait = n_cfg_wait + 1'b1;
end

endmodule

`resetall
