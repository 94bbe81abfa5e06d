`resetall
`timescale 1ns / 1ps
`default_nettype none

// The main TLB's 2 MiB / 1 GiB block entries (smmu_mtlb; docs/architecture.md "Two-level TLB"):
// a fully associative array of BLOCKS entries, compared in the answer cycle with the probe
// smmu_mtlb registered (p_*), in parallel with its page RAMs. Tags, what an invalidation
// compares and what the permission check reads are flip-flops; the payload a hit returns
// ({pa, ng, perm, pan, asid, ax, size, tbi}) is a RAM written by the fill only, read at the
// first matching entry's index (LUT RAM). Per port: b_hit, the first match's payload b_rd and
// b_ok, its permission check of the probed access (stop 34). Invalidation exact
// (tlbi_covers_xlt / cfgi_covers, smmu_inv.vh); replacement: the first invalid entry, else a
// round-robin pointer advanced on every fill that replaced one. Split from smmu_mtlb at stop 34.
module smmu_mtlb_blk #(
    parameter BLOCKS   = 8,
    parameter NP       = 1,      // probe ports
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter OAS_BITS = 48,
    parameter BD_W     = (OAS_BITS - 12) + 1 + 5 + 1 + 16 + 22 + 2 + 1   // the payload
) (
    input  wire                  clk,
    input  wire                  rst,

    // the probes smmu_mtlb registered (cycle T+1)
    input  wire [NP*SID_W-1:0]   p_sid,
    input  wire [NP*SSID_W-1:0]  p_ssid,     // (0 without SSV)
    input  wire [NP-1:0]         p_ssv,
    input  wire [NP*36-1:0]      p_va,       // VA[47:12]
    input  wire [NP-1:0]         p_lo0,      // VA[55:48] = 0
    input  wire [NP-1:0]         p_top0,     // VA[63:56] = 0
    input  wire [NP-1:0]         p_rnw,      // the access: read, PnU, InD
    input  wire [NP-1:0]         p_pnu,
    input  wire [NP-1:0]         p_ind,
    output reg  [NP-1:0]         b_hit,      // per port: an entry matches, the first one's ...
    output reg  [NP-1:0]         b_ok,       // ... permission check of the access
    output wire [NP*BD_W-1:0]    b_rd,       // ... and payload

    // fill (a block translation, not during an invalidation)
    input  wire                  wr_block,
    input  wire [SID_W-1:0]      fill_sid,
    input  wire [SSID_W-1:0]     wr_ssid,    // (0 without SSV)
    input  wire                  fill_ssv,
    input  wire [47:12]          fill_va,
    input  wire                  fill_tbi,
    input  wire [1:0]            fill_size,
    input  wire [15:0]           fill_asid,
    input  wire                  fill_ng,
    input  wire [OAS_BITS-1:12]  fill_pa,
    input  wire [4:0]            fill_perm,
    input  wire                  fill_pan,
    input  wire [21:0]           fill_ax,

    // invalidation
    input  wire                  tlbi_valid,
    input  wire [7:0]            tlbi_op,
    input  wire [15:0]           tlbi_asid,
    input  wire [63:12]          tlbi_va,
    input  wire                  cfgi_valid,
    input  wire [31:0]           cfgi_sid,
    input  wire [31:0]           cfgi_mask
);

`include "smmu_inv.vh"
`include "smmu_attr.vh"   // AX_PIO

localparam BW = (BLOCKS > 1) ? $clog2(BLOCKS) : 1;
genvar g, q;

reg  [BLOCKS-1:0] b_v;
reg  [SID_W-1:0]  b_sid    [0:BLOCKS-1];
reg               b_ssv    [0:BLOCKS-1];
reg  [SSID_W-1:0] b_ssid   [0:BLOCKS-1];
reg  [47:12]      b_va     [0:BLOCKS-1];
reg               b_tbi    [0:BLOCKS-1];
reg  [1:0]        b_size   [0:BLOCKS-1];
reg  [15:0]       b_asid   [0:BLOCKS-1];
reg               b_ng     [0:BLOCKS-1];
reg  [4:0]        b_perm   [0:BLOCKS-1];   // (also in b_pl) what the permission check reads
reg               b_pan    [0:BLOCKS-1];
reg  [3:0]        b_pio    [0:BLOCKS-1];
reg  [BW-1:0]     b_rr;
// what a block hit returns, {pa, ng, perm, pan, asid, ax, size, tbi}: a RAM written
// by the fill only (no reset: read only through a valid entry's match), read at the
// hit entry's index (LUT RAM); the tag fields above stay in flip-flops (compared at once)
reg  [BD_W-1:0]   b_pl     [0:BLOCKS-1];

reg          b_free;
reg [BW-1:0] b_way;
always @* begin
    b_free = 1'b0;
    b_way  = b_rr;
    for (integer i = 0; i < BLOCKS; i = i + 1)
        if (!b_free && !b_v[i]) begin
            b_free = 1'b1;
            b_way  = i[BW-1:0];
        end
end

// block entries this cycle's invalidation covers (exact scope)
reg [BLOCKS-1:0] b_inv;
always @* begin
    for (integer i = 0; i < BLOCKS; i = i + 1)
        b_inv[i] = (tlbi_valid && (tlbi_covers_xlt(tlbi_op, tlbi_asid, tlbi_va, b_asid[i], b_ng[i], b_size[i],
                                                  b_va[i]) ||
                                  (tlbi_op != INV_NH_ALL && tlbi_op != INV_NSNH_ALL && tlbi_op != INV_NH_ASID &&
                                   tlbi_op != INV_NH_VA && tlbi_op != INV_NH_VAA))) ||
                   (cfgi_valid && cfgi_covers({{(32-SID_W){1'b0}}, b_sid[i]}, cfgi_sid, cfgi_mask));
end

// each entry's permission check of each port's access (in parallel with the compare)
wire [NP*BLOCKS-1:0] bk_ok;
generate
    for (q = 0; q < NP; q = q + 1) begin : g_perm
        for (g = 0; g < BLOCKS; g = g + 1) begin : g_bp
            wire [1:0] unused_eff;
            smmu_perm perm_inst (
                .is_read(p_rnw[q]), .perm(b_perm[g]), .pan(b_pan[g]), .pio(b_pio[g]),
                .pnu(p_pnu[q]), .ind(p_ind[q]), .eff_pnu(unused_eff[0]), .eff_ind(unused_eff[1]),
                .ok(bk_ok[q*BLOCKS+g])
            );
        end
    end
endgenerate

// compare (cycle T+1): per port, the first entry that matches
reg  [NP*BW-1:0]   b_idx;
reg  [47:12]       bm, bva;
always @* begin
    b_hit = {NP{1'b0}};
    b_ok  = {NP{1'b0}};
    b_idx = {(NP*BW){1'b0}};
    for (integer k = 0; k < NP; k = k + 1) begin
        bva = p_va[k*36 +: 36];
        for (integer i = 0; i < BLOCKS; i = i + 1) begin
            bm = {36{1'b1}};
            if (b_size[i] == 2'd1)
                bm[20:12] = 9'd0;
            else
                bm[29:12] = 18'd0;
            if (!b_hit[k] && b_v[i] && b_sid[i] == p_sid[k*SID_W +: SID_W] && b_ssv[i] == p_ssv[k] &&
                b_ssid[i] == p_ssid[k*SSID_W +: SSID_W] && p_lo0[k] && (b_tbi[i] || p_top0[k]) &&
                ((b_va[i] ^ bva) & bm) == 36'd0) begin
                b_hit[k]           = 1'b1;
                b_ok[k]            = bk_ok[k*BLOCKS+i];
                b_idx[k*BW +: BW]  = i[BW-1:0];
            end
        end
    end
end
generate
    for (q = 0; q < NP; q = q + 1) begin : g_brd
        assign b_rd[q*BD_W +: BD_W] = b_pl[b_idx[q*BW +: BW]];
    end
endgenerate

always @(posedge clk) begin
    if (rst) begin
        b_v  <= {BLOCKS{1'b0}};
        b_rr <= {BW{1'b0}};
        for (integer k = 0; k < BLOCKS; k = k + 1) begin
            b_sid[k]  <= {SID_W{1'b0}};
            b_ssv[k]  <= 1'b0;
            b_ssid[k] <= {SSID_W{1'b0}};
            b_va[k]   <= 36'd0;
            b_tbi[k]  <= 1'b0;
            b_size[k] <= 2'd1;
            b_asid[k] <= 16'd0;
            b_ng[k]   <= 1'b0;
            b_perm[k] <= 5'd0;
            b_pan[k]  <= 1'b0;
            b_pio[k]  <= 4'd0;
        end
    end else begin
        // invalidation (the caller ignores fills in its cycle)
        b_v <= b_v & ~b_inv;
        if (wr_block) begin
            b_v[b_way]    <= 1'b1;
            b_sid[b_way]  <= fill_sid;
            b_ssv[b_way]  <= fill_ssv;
            b_ssid[b_way] <= wr_ssid;
            b_va[b_way]   <= fill_va[47:12];
            b_tbi[b_way]  <= fill_tbi;
            b_size[b_way] <= fill_size;
            b_asid[b_way] <= fill_asid;
            b_ng[b_way]   <= fill_ng;
            b_perm[b_way] <= fill_perm;
            b_pan[b_way]  <= fill_pan;
            b_pio[b_way]  <= fill_ax[AX_PIO +: 4];
            if (!b_free)
                b_rr <= (b_rr == BW'(BLOCKS - 1)) ? {BW{1'b0}} : b_rr + 1'b1;
        end
    end
end

// the payload RAM's one write port
always @(posedge clk)
    if (!rst && wr_block)
        b_pl[b_way] <= {fill_pa, fill_ng, fill_perm, fill_pan, fill_asid, fill_ax, fill_size, fill_tbi};

endmodule

`resetall
