`resetall
`timescale 1ns / 1ps
`default_nettype none

// Main TLB: the second level behind the fully associative micro-TLB
// (smmu_tlb). Probed by smmu_walk when a walk starts; a hit ends the walk
// without a table read.
//
// * 4 KiB pages: SETS x WAYS set-associative, one RAM of SETS words per way
//   (index VA[12 +: log2 SETS], synchronous read, one write port, no reset on
//   the payload: block RAM), valid bits in flip-flops.
// * 2 MiB / 1 GiB blocks: a fully associative array of BLOCKS entries in
//   flip-flops, probed in parallel with the RAMs (a block is never split
//   into pages, so a TLBI by VA removes the whole block).
// * Tag: {SID, SSV, SSID, VA page, TBI} (with TBI the top byte is not
//   compared), the same tag as the micro-TLB's entries. Payload: what the
//   walker reports: {PA, size, nG, effective perm, AttrIndx, SH}; the walk
//   slot supplies the CD fields (ASID, PAN, MAIR, overrides) as for a walk.
// * Probe in cycle T (pr_valid), answer in T+1 (an_valid, an_hit, payload).
//   One probe per cycle. A probe answers "miss" when an invalidation comes in
//   its answer cycle; the way a fill wrote in the probe cycle is not compared
//   (the RAM read returned its old contents, its valid bit is the new one).
// * Replacement (per set, and for the block array): an invalid way first,
//   else a round-robin pointer in flip-flops, advanced on every fill.
// * Invalidation in one cycle, conservative for the RAM part:
//   TLBI_NH_VA / NH_VAA clear every way of the set the TLBI's VA indexes; every
//   other TLBI form and every CFGI clear all valid bits. Block entries are
//   scoped exactly (tlbi_covers_xlt / cfgi_covers, smmu_inv.vh).
// * Fills: successful translations only, never during an invalidation (the
//   caller drops those; the module also ignores them).
module smmu_mtlb #(
    parameter SETS     = 256,
    parameter WAYS     = 4,
    parameter BLOCKS   = 8,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter OAS_BITS = 48
) (
    input  wire                   clk,
    input  wire                   rst,

    // probe (cycle T)
    input  wire                   pr_valid,
    input  wire [SID_W-1:0]       pr_sid,
    input  wire [SSID_W-1:0]      pr_ssid,    // 0 when !pr_ssv
    input  wire                   pr_ssv,
    input  wire [63:12]           pr_va,
    input  wire                   pr_tbi,

    // answer (cycle T+1)
    output reg                    an_valid,
    output reg                    an_hit,
    output reg  [OAS_BITS-1:12]   an_pa,
    output reg  [1:0]             an_size,
    output reg                    an_ng,
    output reg  [4:0]             an_perm,
    output reg  [2:0]             an_attridx,
    output reg  [1:0]             an_sh,

    // fill
    input  wire                   fill_valid,
    input  wire [SID_W-1:0]       fill_sid,
    input  wire [SSID_W-1:0]      fill_ssid,
    input  wire                   fill_ssv,
    input  wire [63:12]           fill_va,
    input  wire                   fill_tbi,
    input  wire [1:0]             fill_size,
    input  wire [15:0]            fill_asid,
    input  wire                   fill_ng,
    input  wire [OAS_BITS-1:12]   fill_pa,
    input  wire [4:0]             fill_perm,
    input  wire [2:0]             fill_attridx,
    input  wire [1:0]             fill_sh,

    // invalidation (smmu_cmdq)
    input  wire                   tlbi_valid,
    input  wire [7:0]             tlbi_op,
    input  wire [15:0]            tlbi_asid,
    input  wire [63:12]           tlbi_va,
    input  wire                   cfgi_valid,
    input  wire [31:0]            cfgi_sid,
    input  wire [31:0]            cfgi_mask,

    output reg  [31:0]            cnt_lookups,
    output reg  [31:0]            cnt_hits
);

`include "smmu_inv.vh"

localparam IW  = $clog2(SETS);                    // set index bits
localparam WW  = (WAYS > 1) ? $clog2(WAYS) : 1;   // way number bits
localparam BW  = (BLOCKS > 1) ? $clog2(BLOCKS) : 1;
localparam VTW = 52 - IW;                         // VA tag bits (VA[63:12+IW])
localparam PW  = OAS_BITS - 12;
// RAM word: {sid, ssv, ssid, va tag, tbi, pa, ng, perm, attridx, sh}
localparam TW  = SID_W + 1 + SSID_W + VTW + 1;
localparam DW  = PW + 1 + 5 + 3 + 2;
localparam RW  = TW + DW;

wire inv = tlbi_valid || cfgi_valid;
wire inv_set = tlbi_valid && !cfgi_valid && (tlbi_op == INV_NH_VA || tlbi_op == INV_NH_VAA);
wire [IW-1:0] inv_idx = tlbi_va[12 +: IW];

// ---------------------------------------------------------- 4 KiB pages: RAMs
wire          wr_page = fill_valid && !inv && fill_size == 2'd0;
wire [IW-1:0] wr_idx  = fill_va[12 +: IW];
wire [IW-1:0] pr_idx  = pr_va[12 +: IW];
wire [63:56]  wr_top  = fill_tbi ? 8'd0 : fill_va[63:56];   // TBI: the top byte is not kept
wire [63:12+IW] wr_vt = {wr_top, fill_va[55:12+IW]};
wire [RW-1:0] wr_word = {fill_sid, fill_ssv, fill_ssid, wr_vt, fill_tbi,
                         fill_pa, fill_ng, fill_perm, fill_attridx, fill_sh};

reg  [WW-1:0]        wr_way;
wire [WW-1:0]        wr_next;
wire [WAYS*RW-1:0]   rd_word;
wire [WAYS-1:0]      wr_vset;      // valid bits of the fill's set
wire [WAYS-1:0]      p_vset;       // ... of the set being compared (cycle T+1)
wire [IW-1:0]        p_idx;
wire [WW-1:0]        wr_rr;
wire                 inv_all = inv && !inv_set;

// set decoders (shared by the ways), written as one-hot shifts: the same logic,
// and a simulator evaluates a vector instead of a loop over every set
wire [SETS-1:0] dec_inv = inv_set ? ({{(SETS-1){1'b0}}, 1'b1} << inv_idx) : {SETS{1'b0}};
wire [SETS-1:0] dec_wr  = wr_page ? ({{(SETS-1){1'b0}}, 1'b1} << wr_idx)  : {SETS{1'b0}};

genvar g;
generate
    for (g = 0; g < WAYS; g = g + 1) begin : g_way
        reg [RW-1:0] ram [0:SETS-1];
        reg [RW-1:0] rdata;
        always @(posedge clk) begin
            if (wr_page && wr_way == g)
                ram[wr_idx] <= wr_word;
            if (pr_valid)
                rdata <= ram[pr_idx];
        end
        assign rd_word[g*RW +: RW] = rdata;
        // valid bits of this way, one per set, in flip-flops
        // (an invalidation of a set wins over a write to it)
        reg [SETS-1:0] vb;
        always @(posedge clk)
            if (rst || inv_all)
                vb <= {SETS{1'b0}};
            else
                vb <= (vb | (dec_wr & {SETS{wr_way == g}})) & ~dec_inv;
        assign wr_vset[g] = vb[wr_idx];
        assign p_vset[g]  = vb[p_idx];
    end
    // round-robin pointer of every set, one bit-plane per pointer bit
    for (g = 0; g < WW; g = g + 1) begin : g_rr
        reg [SETS-1:0] rb;
        always @(posedge clk)
            if (rst)
                rb <= {SETS{1'b0}};
            else
                rb <= (rb & ~dec_wr) | (dec_wr & {SETS{wr_next[g]}});
        assign wr_rr[g] = rb[wr_idx];
    end
endgenerate

// victim: the first invalid way of the fill's set, else its round-robin pointer
reg             wr_free;
always @* begin
    wr_free = 1'b0;
    wr_way  = wr_rr;
    for (integer i = 0; i < WAYS; i = i + 1)
        if (!wr_free && !wr_vset[i]) begin
            wr_free = 1'b1;
            wr_way  = i[WW-1:0];
        end
end
assign wr_next = (wr_way == WW'(WAYS - 1)) ? {WW{1'b0}} : wr_way + 1'b1;

// ---------------------------------------------------------- 2 MiB / 1 GiB blocks: flip-flops
reg  [BLOCKS-1:0] b_v;
reg  [SID_W-1:0]  b_sid    [0:BLOCKS-1];
reg               b_ssv    [0:BLOCKS-1];
reg  [SSID_W-1:0] b_ssid   [0:BLOCKS-1];
reg  [63:12]      b_va     [0:BLOCKS-1];
reg               b_tbi    [0:BLOCKS-1];
reg  [1:0]        b_size   [0:BLOCKS-1];
reg  [15:0]       b_asid   [0:BLOCKS-1];
reg               b_ng     [0:BLOCKS-1];
reg  [PW-1:0]     b_pa     [0:BLOCKS-1];
reg  [4:0]        b_perm   [0:BLOCKS-1];
reg  [2:0]        b_attridx[0:BLOCKS-1];
reg  [1:0]        b_sh     [0:BLOCKS-1];
reg  [BW-1:0]     b_rr;
wire              wr_block = fill_valid && !inv && fill_size != 2'd0;

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
                                                  b_va[i][55:12]) ||
                                  (tlbi_op != INV_NH_ALL && tlbi_op != INV_NSNH_ALL && tlbi_op != INV_NH_ASID &&
                                   tlbi_op != INV_NH_VA && tlbi_op != INV_NH_VAA))) ||
                   (cfgi_valid && cfgi_covers({{(32-SID_W){1'b0}}, b_sid[i]}, cfgi_sid, cfgi_mask));
end

// ---------------------------------------------------------- probe pipeline
reg [SID_W-1:0]  p_sid;
reg [SSID_W-1:0] p_ssid;
reg              p_ssv, p_tbi, p_coll;
reg  [WW-1:0]    p_coll_way;
reg [63:12]      p_va;

always @(posedge clk) begin
    if (rst) begin
        an_valid <= 1'b0;
        p_sid    <= {SID_W{1'b0}};
        p_ssid   <= {SSID_W{1'b0}};
        p_ssv    <= 1'b0;
        p_tbi    <= 1'b0;
        p_va     <= 52'd0;
        p_coll   <= 1'b0;
        p_coll_way <= {WW{1'b0}};
    end else begin
        an_valid <= pr_valid;
        if (pr_valid) begin
            p_sid  <= pr_sid;
            p_ssid <= pr_ssid;
            p_ssv  <= pr_ssv;
            p_tbi  <= pr_tbi;
            p_va   <= pr_va;
            // the RAM read of this cycle returns the set as it was before this fill
            p_coll <= wr_page && wr_idx == pr_idx;
            p_coll_way <= wr_way;
        end
    end
end

// compare (cycle T+1)
assign p_idx = p_va[12 +: IW];
wire [63:12]    p_msk  = p_tbi ? {8'd0, {44{1'b1}}} : {52{1'b1}};
reg  [RW-1:0]   w;
reg  [63:12]    bm;
reg             hit_pg, hit_bk;
always @* begin
    an_hit     = 1'b0;
    an_pa      = {PW{1'b0}};
    an_size    = 2'd0;
    an_ng      = 1'b0;
    an_perm    = 5'd0;
    an_attridx = 3'd0;
    an_sh      = 2'd0;
    hit_pg     = 1'b0;
    hit_bk     = 1'b0;
    w          = {RW{1'b0}};
    bm         = {52{1'b1}};
    for (integer i = 0; i < WAYS; i = i + 1) begin
        w = rd_word[i*RW +: RW];
        if (!hit_pg && p_vset[i] && !(p_coll && p_coll_way == i[WW-1:0]) && w[RW-1 -: TW] == {p_sid, p_ssv, p_ssid, p_va[63:12+IW] &
                                                     p_msk[63:12+IW], p_tbi}) begin
            hit_pg     = 1'b1;
            an_pa      = w[DW-1 -: PW];
            an_ng      = w[10];
            an_perm    = w[9:5];
            an_attridx = w[4:2];
            an_sh      = w[1:0];
        end
    end
    for (integer i = 0; i < BLOCKS; i = i + 1) begin
        bm = p_msk;
        if (b_size[i] == 2'd1)
            bm[20:12] = 9'd0;
        else
            bm[29:12] = 18'd0;
        if (!hit_pg && !hit_bk && b_v[i] && b_sid[i] == p_sid && b_ssv[i] == p_ssv && b_ssid[i] == p_ssid &&
            b_tbi[i] == p_tbi && ((b_va[i] ^ p_va) & bm) == 52'd0) begin
            hit_bk     = 1'b1;
            an_pa      = b_pa[i];
            an_size    = b_size[i];
            an_ng      = b_ng[i];
            an_perm    = b_perm[i];
            an_attridx = b_attridx[i];
            an_sh      = b_sh[i];
        end
    end
    // an invalidation in the answer cycle may remove the entry: miss
    an_hit = an_valid && (hit_pg || hit_bk) && !inv;
end

// ---------------------------------------------------------- state
always @(posedge clk) begin
    if (rst) begin
        b_v         <= {BLOCKS{1'b0}};
        b_rr        <= {BW{1'b0}};
        cnt_lookups <= 32'd0;
        cnt_hits    <= 32'd0;
        for (integer k = 0; k < BLOCKS; k = k + 1) begin
            b_sid[k]     <= {SID_W{1'b0}};
            b_ssv[k]     <= 1'b0;
            b_ssid[k]    <= {SSID_W{1'b0}};
            b_va[k]      <= 52'd0;
            b_tbi[k]     <= 1'b0;
            b_size[k]    <= 2'd1;
            b_asid[k]    <= 16'd0;
            b_ng[k]      <= 1'b0;
            b_pa[k]      <= {PW{1'b0}};
            b_perm[k]    <= 5'd0;
            b_attridx[k] <= 3'd0;
            b_sh[k]      <= 2'd0;
        end
    end else begin
        if (pr_valid)
            cnt_lookups <= cnt_lookups + 1'b1;
        if (an_hit)
            cnt_hits <= cnt_hits + 1'b1;
        // invalidation (fills are ignored in its cycle); page valid bits: g_way
        b_v <= b_v & ~b_inv;
        if (wr_block) begin
            b_v[b_way]       <= 1'b1;
            b_sid[b_way]     <= fill_sid;
            b_ssv[b_way]     <= fill_ssv;
            b_ssid[b_way]    <= fill_ssid;
            b_va[b_way]      <= fill_va;
            b_tbi[b_way]     <= fill_tbi;
            b_size[b_way]    <= fill_size;
            b_asid[b_way]    <= fill_asid;
            b_ng[b_way]      <= fill_ng;
            b_pa[b_way]      <= fill_pa;
            b_perm[b_way]    <= fill_perm;
            b_attridx[b_way] <= fill_attridx;
            b_sh[b_way]      <= fill_sh;
            if (!b_free)
                b_rr <= (b_rr == BW'(BLOCKS - 1)) ? {BW{1'b0}} : b_rr + 1'b1;
        end
    end
end

// ---------------------------------------------------------- formal (yosys-sby only)
`ifdef FORMAL
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen && !rst) begin
    assert(!(fill_valid && inv));                 // nothing installed during an invalidation
    assert(!(an_hit && inv));                     // no hit answered while one is removing entries
end
`endif

endmodule

`resetall
