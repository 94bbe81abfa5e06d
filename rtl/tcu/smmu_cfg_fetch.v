`resetall
`timescale 1ns / 1ps
`default_nettype none

// smmu_cfg_fetch: the configuration engine's reads of the Stream Table and the CD table
// (smmu_cfg) on its m_axi_tw reader port: one burst per fetch, STE doublewords 0-1 (2 beats)
// or CD doublewords 0-3 (4 beats); the rest of each structure holds fields this SMMU does not
// use. The engine's state says which fetch and which phase (address or data); this block
// drives the read with the attributes of that fetch, keeps the beats, and says which beat is
// the last one and whether any beat had an error response (F_STE_FETCH / F_CD_FETCH).
module smmu_cfg_fetch #(
    parameter OAS_BITS = 48
) (
    input  wire                clk,
    input  wire                rst,

    input  wire                ste_ar,          // the engine's state: STE address phase,
    input  wire                cd_ar,           // ... CD address phase,
    input  wire                ste_r,           // ... STE data phase,
    input  wire                cd_r,            // ... CD data phase
    input  wire [OAS_BITS-1:0] addr,            // the structure's address (64-byte aligned)
    input  wire [5:0]          table_attr,      // CR1 {TABLE_SH, TABLE_OC, TABLE_IC}
    input  wire                strtab_ra,       // STRTAB_BASE.RA

    output wire [OAS_BITS-1:0] rd_addr,
    output wire [7:0]          rd_len,
    output wire [5:0]          rd_attr,         // {domain, ARCACHE} of the fetch (13.8)
    output wire                rd_valid,
    input  wire                rd_ready,
    input  wire                rd_rvalid,
    input  wire [63:0]         rd_rdata,
    input  wire [1:0]          rd_rresp,

    output wire                last,            // the beat now (rd_rvalid) ends the fetch
    output reg                 abt_reg,         // a beat of this fetch had an error response
    output reg  [63:0]         ste0_reg,        // STE doublewords 0-1 (kept through the CD fetch)
    output reg  [63:0]         ste1_reg,
    output reg  [63:0]         d0_reg,          // the doublewords of the last fetch
    output reg  [63:0]         d1_reg,
    output reg  [63:0]         d2_reg,
    output reg  [63:0]         d3_reg
);

`include "smmu_attr.vh"

reg [2:0] beat_reg;

assign rd_addr  = addr;
assign rd_len   = cd_ar ? 8'd3 : 8'd1;
assign rd_valid = ste_ar || cd_ar;
// STE fetch: CR1.TABLE_{IC,OC,SH} and STRTAB_BASE.RA; CD fetch: STE.{S1CIR,S1COR,S1CSH}
// (00 NC, 01 WB RA, 10 WT RA, 11 WB no RA). A read's write-allocate hint: none.
assign rd_attr  = cd_ar ?
    own_attr(ste1_reg[3:2] == 2'b01 || ste1_reg[3:2] == 2'b11, ste1_reg[5:4] == 2'b01 || ste1_reg[5:4] == 2'b11,
             ste1_reg[5:4] != 2'b11, 1'b0, ste1_reg[7:6], 1'b1) :
    own_attr(table_attr[1:0] == 2'b01, table_attr[3:2] == 2'b01, strtab_ra, 1'b0, table_attr[5:4], 1'b1);

assign last = (ste_r && beat_reg == 3'd1) || (cd_r && beat_reg == 3'd3);

always @(posedge clk) begin
    if (rst) begin
        abt_reg  <= 1'b0;
        beat_reg <= 3'd0;
        d0_reg   <= 64'd0;
        d1_reg   <= 64'd0;
        d2_reg   <= 64'd0;
        d3_reg   <= 64'd0;
        ste0_reg <= 64'd0;
        ste1_reg <= 64'd0;
    end else if ((ste_ar || cd_ar) && rd_ready) begin
        beat_reg <= 3'd0;
        abt_reg  <= 1'b0;
    end else if ((ste_r || cd_r) && rd_rvalid) begin
        if (rd_rresp != 2'b00)
            abt_reg <= 1'b1;
        if (ste_r && beat_reg == 3'd0)
            ste0_reg <= rd_rdata;
        if (ste_r && beat_reg == 3'd1)
            ste1_reg <= rd_rdata;
        case (beat_reg[1:0])
            2'd0: d0_reg <= rd_rdata;
            2'd1: d1_reg <= rd_rdata;
            2'd2: d2_reg <= rd_rdata;
            default: d3_reg <= rd_rdata;
        endcase
        beat_reg <= beat_reg + 1'b1;
    end
end

endmodule

`resetall
