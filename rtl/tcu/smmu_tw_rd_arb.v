`resetall
`timescale 1ns / 1ps
`default_nettype none

// Read side of the walker port m_axi_tw, shared by N_RD internal readers
// (configuration engine, command queue, page-table walker...).
// AR: round-robin, one register slice; ARID = reader index.
// R: demultiplexed by RID. Every reader must take each R beat in the cycle it
// is offered (rready is tied high), so one slow reader can never block the
// others: a path per user that cannot starve the rest.
module smmu_tw_rd_arb #(
    parameter N_RD     = 2,    // number of readers (<= 16)
    parameter OAS_BITS = 48
) (
    input  wire                     clk,
    input  wire                     rst,

    input  wire [N_RD*OAS_BITS-1:0] rd_addr,
    input  wire [N_RD*8-1:0]        rd_len,
    input  wire [N_RD*6-1:0]        rd_attr,     // {ARDOMAIN, ARCACHE} of each reader's reads
    input  wire [N_RD-1:0]          rd_valid,
    output wire [N_RD-1:0]          rd_ready,
    output wire [N_RD-1:0]          rd_rvalid,   // beat for reader i (take it now)
    output wire [63:0]              rd_rdata,
    output wire [1:0]               rd_rresp,
    output wire                     rd_rlast,

    output wire [3:0]               m_axi_tw_arid,
    output wire [OAS_BITS-1:0]      m_axi_tw_araddr,
    output wire [7:0]               m_axi_tw_arlen,
    output wire [3:0]               m_axi_tw_arcache,
    output wire [1:0]               m_axi_tw_ardomain,
    output wire                     m_axi_tw_arvalid,
    input  wire                     m_axi_tw_arready,
    input  wire [3:0]               m_axi_tw_rid,
    input  wire [63:0]              m_axi_tw_rdata,
    input  wire [1:0]               m_axi_tw_rresp,
    input  wire                     m_axi_tw_rlast,
    input  wire                     m_axi_tw_rvalid,
    output wire                     m_axi_tw_rready
);

localparam IDX_W = (N_RD > 1) ? $clog2(N_RD) : 1;
wire [IDX_W-1:0] grant;
wire             grant_valid;
wire             slice_ready;

smmu_rr_pick #(.N(N_RD), .IDX_W(IDX_W)) rr_inst (
    .clk(clk), .rst(rst), .req(rd_valid), .take(slice_ready),
    .pick(grant), .pick_valid(grant_valid)
);

genvar g;
generate
    for (g = 0; g < N_RD; g = g + 1) begin : gen_rd
        assign rd_ready[g]  = slice_ready && grant_valid && (grant == g);
        assign rd_rvalid[g] = m_axi_tw_rvalid && (m_axi_tw_rid == g);
    end
endgenerate

smmu_skid #(.WIDTH(4 + OAS_BITS + 8 + 6)) ar_slice (
    .clk(clk), .rst(rst),
    .s_data({{(4-IDX_W){1'b0}}, grant, rd_addr[grant*OAS_BITS +: OAS_BITS], rd_len[grant*8 +: 8],
             rd_attr[grant*6 +: 6]}),
    .s_valid(grant_valid), .s_ready(slice_ready),
    .m_data({m_axi_tw_arid, m_axi_tw_araddr, m_axi_tw_arlen, m_axi_tw_ardomain, m_axi_tw_arcache}),
    .m_valid(m_axi_tw_arvalid), .m_ready(m_axi_tw_arready)
);

assign m_axi_tw_rready = 1'b1;
assign rd_rdata = m_axi_tw_rdata;
assign rd_rresp = m_axi_tw_rresp;
assign rd_rlast = m_axi_tw_rlast;


endmodule

`resetall
