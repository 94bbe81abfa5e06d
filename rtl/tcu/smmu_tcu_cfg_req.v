`resetall
`timescale 1ns / 1ps
`default_nettype none

// The configuration-request choice of the TCU (smmu_tcu): which translation queue's request
// the configuration engine takes next, and where its answer goes. Requests are taken
// round-robin over the NQ queues (cfg_rr_inst), one lookup at a time (the engine's
// req_ready), and only while a walker is free (slot_free), so an answer that needs a walk
// always gets one. The request's tag is {queue, entry index}; the answer's tag names the
// queue whose c_resp_valid rises (the answer payload is shared by every queue).
module smmu_tcu_cfg_req #(
    parameter NQ       = 2,
    parameter QW       = 1,
    parameter PIDX_W   = 5,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter LINK_REG = 0
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   smmuen,
    input  wire                   slot_free,     // a walker is free (smmu_walk)

    // the link's requests, per queue, and the answer's queue
    input  wire [NQ-1:0]          c_req_valid,
    input  wire [NQ*PIDX_W-1:0]   c_req_idx,
    input  wire [NQ*SID_W-1:0]    c_sid,
    input  wire [NQ*SSID_W-1:0]   c_ssid,
    input  wire [NQ-1:0]          c_ssv,
    input  wire [NQ*64-1:0]       c_addr,
    input  wire [NQ-1:0]          c_pnu,
    input  wire [NQ-1:0]          c_ind,
    output wire [NQ-1:0]          c_req_ready,
    output wire [NQ-1:0]          c_resp_valid,
    output wire [PIDX_W-1:0]      c_resp_idx,

    // the configuration engine's request (smmu_cfg) and answer
    output wire                   req_valid,
    input  wire                   req_ready,
    output wire                   take,          // a request is taken this cycle
    output wire [QW+PIDX_W-1:0]   req_tag,
    output wire [SID_W-1:0]       req_sid,
    output wire [SSID_W-1:0]      req_ssid,
    output wire                   req_ssv,
    output wire [63:0]            req_addr,
    output wire                   req_rnw,
    output wire                   req_pnu,
    output wire                   req_ind,
    input  wire                   resp_valid,
    input  wire [QW+PIDX_W-1:0]   resp_tag
);

wire [QW-1:0] cfg_pick;
wire          cfg_req_valid_rr;
// LINK_REG=1: a request is taken only while SMMUEN has been 1 for two cycles (a
// TBU withdraws a buffered request when it sees SMMUEN=0, one cycle late)
reg           smmuen_q;
always @(posedge clk) smmuen_q <= !rst && smmuen;
assign req_valid = cfg_req_valid_rr && slot_free && (LINK_REG == 0 || (smmuen && smmuen_q));
assign take      = req_valid && req_ready;   // a request is taken only when one is made

smmu_rr_pick #(.N(NQ), .IDX_W(QW)) cfg_rr_inst (
    .clk(clk), .rst(rst), .req(c_req_valid), .take(take),
    .pick(cfg_pick), .pick_valid(cfg_req_valid_rr)
);

assign req_sid  = c_sid[cfg_pick * SID_W +: SID_W];
assign req_ssid = c_ssid[cfg_pick * SSID_W +: SSID_W];
assign req_ssv  = c_ssv[cfg_pick];
assign req_addr = c_addr[cfg_pick * 64 +: 64];
assign req_tag  = {cfg_pick, c_req_idx[cfg_pick * PIDX_W +: PIDX_W]};
assign req_rnw  = !cfg_pick[0];
assign req_pnu  = c_pnu[cfg_pick];
assign req_ind  = c_ind[cfg_pick];

genvar q;
generate
    for (q = 0; q < NQ; q = q + 1) begin : g_q
        assign c_req_ready[q]  = take && cfg_pick == QW'(q);
        assign c_resp_valid[q] = resp_valid && resp_tag[PIDX_W +: QW] == QW'(q);
    end
endgenerate
assign c_resp_idx = resp_tag[PIDX_W-1:0];

endmodule

`resetall
