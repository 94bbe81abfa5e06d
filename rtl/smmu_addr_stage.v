`resetall
`timescale 1ns / 1ps
`default_nettype none

// Address stage shared by the read and write paths: takes an AR or AW from
// s_axi into a register slice together with its routing decision, and, when
// SMMUEN=1, asks the configuration engine and holds the answer until the
// transaction leaves the stage (st_valid && st_ready).
//
// `decided` tells when `go_down` (forward to m_axi) / `go_raz` (terminate as
// RAZ/WI, else abort) are valid. With SMMUEN=0 the decision is made in the
// handshake cycle, so a bypassed transaction is decided as soon as it is in
// the stage (1 cycle from s_axi to m_axi).
module smmu_addr_stage #(
    parameter ID_W     = 4,
    parameter OAS_BITS = 48,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter ATTR_W   = 17    // {size, burst, lock, cache, prot, qos}: passed through
) (
    input  wire                clk,
    input  wire                rst,

    input  wire                smmuen,
    input  wire                gbpa_abort,

    input  wire [ID_W-1:0]     s_id,
    input  wire [63:0]         s_addr,
    input  wire [7:0]          s_len,
    input  wire [ATTR_W-1:0]   s_attr,
    input  wire [SID_W-1:0]    s_sid,
    input  wire [SSID_W-1:0]   s_ssid,
    input  wire                s_ssv,
    input  wire                s_valid,
    output wire                s_ready,

    output wire [ID_W-1:0]     st_id,
    output wire [63:0]         st_addr,
    output wire [7:0]          st_len,
    output wire [ATTR_W-1:0]   st_attr,
    output wire                st_valid,
    input  wire                st_ready,
    output wire                decided,
    output wire                go_down,
    output wire                go_raz,

    output wire                cfg_req_valid,
    output wire [SID_W-1:0]    cfg_req_sid,
    output wire [SSID_W-1:0]   cfg_req_ssid,
    output wire                cfg_req_ssv,
    input  wire                cfg_resp_valid,
    input  wire [1:0]          cfg_resp_kind,
    input  wire                cfg_req_ready
);

`include "smmu_cd.vh"

localparam W = 3 + SID_W + SSID_W + 1 + ID_W + 64 + 8 + ATTR_W;

wire s_bypass, s_raz, s_need_cfg;

smmu_decide #(.OAS_BITS(OAS_BITS)) decide_inst (
    .addr(s_addr), .smmuen(smmuen), .gbpa_abort(gbpa_abort),
    .bypass(s_bypass), .raz(s_raz), .need_cfg(s_need_cfg)
);

wire st_bypass, st_raz, st_need_cfg;

smmu_skid #(.WIDTH(W)) slice (
    .clk(clk), .rst(rst),
    .s_data({s_bypass, s_raz, s_need_cfg, s_sid, s_ssid, s_ssv, s_id, s_addr, s_len, s_attr}),
    .s_valid(s_valid), .s_ready(s_ready),
    .m_data({st_bypass, st_raz, st_need_cfg, cfg_req_sid, cfg_req_ssid, cfg_req_ssv,
             st_id, st_addr, st_len, st_attr}),
    .m_valid(st_valid), .m_ready(st_ready)
);

// configuration answer for the transaction in the stage
reg       req_sent_reg, res_valid_reg;
reg [1:0] res_kind_reg;

assign cfg_req_valid = st_valid && st_need_cfg && !req_sent_reg && !res_valid_reg;
assign decided       = !st_need_cfg || res_valid_reg;
// until stage-1 translation exists, a valid stage-1 configuration aborts
assign go_down       = st_need_cfg ? (res_kind_reg == KIND_BYPASS) : st_bypass;
assign go_raz        = st_need_cfg ? 1'b0 : st_raz;

always @(posedge clk) begin
    if (rst) begin
        req_sent_reg  <= 1'b0;
        res_valid_reg <= 1'b0;
        res_kind_reg  <= KIND_ABORT;
    end else begin
        if (cfg_req_valid && cfg_req_ready)
            req_sent_reg <= 1'b1;
        if (cfg_resp_valid) begin
            req_sent_reg  <= 1'b0;
            res_valid_reg <= 1'b1;
            res_kind_reg  <= cfg_resp_kind;
        end
        if (st_valid && st_ready)
            res_valid_reg <= 1'b0;
    end
end

endmodule

`resetall
