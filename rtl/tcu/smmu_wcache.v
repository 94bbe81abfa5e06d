`resetall
`timescale 1ns / 1ps
`default_nettype none

// Stage-1 walk caches: the table descriptors a walk has read at levels 0, 1
// and 2 (4 KiB granule), so that a later walk of the same context and VA
// region reads only the levels below the deepest cached one.
//
// One small fully associative cache per level, ENTRIES entries each, in flip-
// flops (every entry is compared and can be invalidated in one cycle):
//   tag  {SID, SSV, SSID, ASID, VA prefix}: VA[47:39] (L0), [47:30] (L1),
//        [47:21] (L2)
//   data the next-level table address and the APTable / UXNTable / PXNTable
//        bits accumulated down to and including this descriptor
//
// Lookup (for the walk the configuration engine's answer starts): the
// {SID, SSV, SSID, VA} compare runs on smmu_walk's query registers (stable from
// the cycle after the configuration request until the answer) and is
// registered every cycle; in the answer cycle only the ASID (from the answer's
// CD) is compared, against the still-valid entries not rewritten since. An
// answer that comes the cycle after its request (q_new in the cycle before)
// finds nothing. The deepest level that hits gives the walk's first level
// (lk_level = that level + 1), table and inherited table bits.
//
// Fill: one entry per cycle (smmu_walk passes a table descriptor a live walk
// accepted, never during an invalidation). An entry with the same tag is
// rewritten in place; otherwise the first invalid entry, else the round-robin
// victim of that level.
//
// Invalidation (the cycle of tlbi_valid / cfgi_valid; smmu_inv.vh ops):
//   TLBI_NH_ALL, TLBI_NSNH_ALL, any other op   every entry
//   TLBI_NH_ASID                               entries of that ASID
//   TLBI_NH_VA / NH_VAA, Leaf=0                entries whose VA prefix is the
//                                              TLBI VA's, whatever their ASID
//   TLBI_NH_VA / NH_VAA, Leaf=1                none (last level only)
//   CFGI_*                                     entries of the StreamIDs covered
module smmu_wcache #(
    parameter ENTRIES  = 4,     // entries per level; 0: no walk cache
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter OAS_BITS = 48
) (
    input  wire                 clk,
    input  wire                 rst,

    // lookup: the query (registered in smmu_walk), its answer's ASID
    input  wire                 q_new,       // the query registers change this cycle
    input  wire [SID_W-1:0]     q_sid,
    input  wire                 q_ssv,
    input  wire [SSID_W-1:0]    q_ssid,
    input  wire [47:21]         q_va,
    input  wire [15:0]          lk_asid,
    output reg                  lk_hit,
    output reg  [1:0]           lk_level,    // first level the walk reads (1..3)
    output reg  [OAS_BITS-1:12] lk_table,
    output reg  [3:0]           lk_acc,      // {APTable[1:0], UXNTable, PXNTable}

    // fill: a table descriptor at fill_level (0..2)
    input  wire                 fill_valid,
    input  wire [1:0]           fill_level,
    input  wire [SID_W-1:0]     fill_sid,
    input  wire                 fill_ssv,
    input  wire [SSID_W-1:0]    fill_ssid,
    input  wire [15:0]          fill_asid,
    input  wire [47:21]         fill_va,
    input  wire [OAS_BITS-1:12] fill_table,
    input  wire [3:0]           fill_acc,

    // invalidation
    input  wire                 tlbi_valid,
    input  wire [7:0]           tlbi_op,
    input  wire [15:0]          tlbi_asid,
    input  wire [47:21]         tlbi_va,
    input  wire                 tlbi_leaf,
    input  wire                 cfgi_valid,
    input  wire [31:0]          cfgi_sid,
    input  wire [31:0]          cfgi_mask
);

`include "smmu_inv.vh"

localparam T_W   = OAS_BITS - 12;
localparam NE    = (ENTRIES > 0) ? ENTRIES : 1;
localparam IDX_W = (NE > 1) ? $clog2(NE) : 1;

wire [2:0]       l_hit;
wire [T_W-1:0]   l_table [0:2];
wire [3:0]       l_acc   [0:2];
/* verilator lint_off UNUSEDSIGNAL */
wire [3*NE-1:0]  f_valid_all;    // every level's valid bits (read by the formal checks only)
/* verilator lint_on UNUSEDSIGNAL */

genvar g;
generate if (ENTRIES > 0) begin : gen_wc
    // a query answered the cycle after its request has no registered compare
    reg m_ok;
    always @(posedge clk)
        if (rst) m_ok <= 1'b0;
        else     m_ok <= !q_new;

    for (g = 0; g < 3; g = g + 1) begin : gen_lvl
        localparam integer LSB = 39 - 9 * g;       // VA prefix VA[47:LSB]
        localparam integer PW  = 48 - LSB;

        reg [NE-1:0]     valid;
        reg [NE-1:0]     m_reg;                    // {SID, SSV, SSID, VA} matched last cycle
        reg [IDX_W-1:0]  rr;
        reg [SID_W-1:0]  t_sid  [0:NE-1];
        reg              t_ssv  [0:NE-1];
        reg [SSID_W-1:0] t_ssid [0:NE-1];
        reg [15:0]       t_asid [0:NE-1];
        reg [PW-1:0]     t_va   [0:NE-1];
        reg [T_W-1:0]    d_table[0:NE-1];
        reg [3:0]        d_acc  [0:NE-1];

        wire [PW-1:0] qv = q_va[47:LSB];
        wire [PW-1:0] fv = fill_va[47:LSB];
        wire [PW-1:0] tv = tlbi_va[47:LSB];
        wire          fill_here = fill_valid && fill_level == g;

        reg [NE-1:0]    m_now, inv_now;
        reg             hit, fm_hit, fr_hit, t_inv;
        reg [IDX_W-1:0] hit_idx, fm_idx, fr_idx, w_idx;
        always @* begin
            hit = 1'b0;  hit_idx = {IDX_W{1'b0}};
            fm_hit = 1'b0; fm_idx = {IDX_W{1'b0}};
            fr_hit = 1'b0; fr_idx = {IDX_W{1'b0}};
            t_inv = 1'b0;
            for (integer i = 0; i < NE; i = i + 1) begin
                m_now[i] = valid[i] && t_sid[i] == q_sid && t_ssv[i] == q_ssv && t_ssid[i] == q_ssid &&
                           t_va[i] == qv;
                if (!hit && m_ok && m_reg[i] && valid[i] && t_asid[i] == lk_asid) begin
                    hit = 1'b1;
                    hit_idx = i[IDX_W-1:0];
                end
                if (!fm_hit && valid[i] && t_sid[i] == fill_sid && t_ssv[i] == fill_ssv &&
                    t_ssid[i] == fill_ssid && t_asid[i] == fill_asid && t_va[i] == fv) begin
                    fm_hit = 1'b1;
                    fm_idx = i[IDX_W-1:0];
                end
                if (!fr_hit && !valid[i]) begin
                    fr_hit = 1'b1;
                    fr_idx = i[IDX_W-1:0];
                end
                case (tlbi_op)
                    INV_NH_ASID:           t_inv = tlbi_asid == t_asid[i];
                    INV_NH_VA, INV_NH_VAA: t_inv = !tlbi_leaf && tv == t_va[i];
                    default:               t_inv = 1'b1;   // NH_ALL, NSNH_ALL and anything else
                endcase
                inv_now[i] = (tlbi_valid && t_inv) ||
                             (cfgi_valid && cfgi_covers({{(32-SID_W){1'b0}}, t_sid[i]}, cfgi_sid, cfgi_mask));
            end
            w_idx = fm_hit ? fm_idx : fr_hit ? fr_idx : rr;
        end

        assign l_hit[g]   = hit;
        assign l_table[g] = d_table[hit_idx];
        assign l_acc[g]   = d_acc[hit_idx];
        assign f_valid_all[g*NE +: NE] = valid;

        always @(posedge clk) begin
            if (rst) begin
                valid <= {NE{1'b0}};
                m_reg <= {NE{1'b0}};
                rr    <= {IDX_W{1'b0}};
            end else begin
                m_reg <= m_now;
                valid <= valid & ~inv_now;
                if (fill_here) begin
                    valid[w_idx] <= 1'b1;
                    m_reg[w_idx] <= 1'b0;       // rewritten: not what was compared
                    if (!fm_hit && !fr_hit)
                        rr <= (rr == IDX_W'(NE - 1)) ? {IDX_W{1'b0}} : rr + 1'b1;
                end
            end
        end
        // payload: no reset (written with valid)
        always @(posedge clk)
            if (fill_here) begin
                t_sid[w_idx]   <= fill_sid;
                t_ssv[w_idx]   <= fill_ssv;
                t_ssid[w_idx]  <= fill_ssid;
                t_asid[w_idx]  <= fill_asid;
                t_va[w_idx]    <= fv;
                d_table[w_idx] <= fill_table;
                d_acc[w_idx]   <= fill_acc;
            end
    end
end else begin : gen_none
    assign l_hit = 3'b000;
    for (g = 0; g < 3; g = g + 1) begin : gen_lvl
        assign l_table[g] = {T_W{1'b0}};
        assign l_acc[g]   = 4'd0;
    end
    assign f_valid_all = {(3*NE){1'b0}};
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_wc = &{1'b0, clk, rst, q_new, q_sid, q_ssv, q_ssid, q_va, lk_asid, fill_valid, fill_level, fill_sid,
                       fill_ssv, fill_ssid, fill_asid, fill_va, fill_table, fill_acc, tlbi_valid, tlbi_op,
                       tlbi_asid, tlbi_va, tlbi_leaf, cfgi_valid, cfgi_sid, cfgi_mask};
    /* verilator lint_on UNUSEDSIGNAL */
end endgenerate

// the deepest level that hits
always @* begin
    lk_hit   = |l_hit;
    lk_level = 2'd0;
    lk_table = {T_W{1'b0}};
    lk_acc   = 4'd0;
    if (l_hit[2]) begin
        lk_level = 2'd3; lk_table = l_table[2]; lk_acc = l_acc[2];
    end else if (l_hit[1]) begin
        lk_level = 2'd2; lk_table = l_table[1]; lk_acc = l_acc[1];
    end else if (l_hit[0]) begin
        lk_level = 2'd1; lk_table = l_table[0]; lk_acc = l_acc[0];
    end
end

// ---------------------------------------------------------- formal (yosys-sby only)
`ifdef FORMAL
reg f_rst_seen = 1'b0;
reg f_all = 1'b0;       // a TLBI_NH_ALL / NSNH_ALL took effect last cycle
always @(posedge clk) begin
    if (rst) f_rst_seen <= 1'b1;
    f_all <= !rst && tlbi_valid && (tlbi_op == INV_NH_ALL || tlbi_op == INV_NSNH_ALL);
end
always @* if (f_rst_seen && !rst) begin
    assert(!(fill_valid && (tlbi_valid || cfgi_valid)));   // nothing filled during an invalidation
    if (f_all) assert(f_valid_all == {(3*NE){1'b0}});      // nothing survives TLBI_NH_ALL
end
`endif

endmodule

`resetall
