`resetall
`timescale 1ns / 1ps
`default_nettype none

// Main TLB: the second level behind the fully associative micro-TLB
// (smmu_tlb), in the TBU (docs/architecture.md "Two-level TLB"). The TBU
// probes it for transactions entering a translation queue's address stage
// that the micro-TLB did not decide (smmu_tbu_tlb: one port, NP=1, shared by
// the two queues); a hit decides a micro-TLB miss without asking the TCU.
//
// * 4 KiB pages: SETS x WAYS set-associative, one RAM of SETS words per way
//   (index VA[12 +: log2 SETS], synchronous reads, one write port, no reset on
//   the payload: block RAM); valid bits: a WAYS-bit word per set in LUT RAM and
//   a per-set flip-flop that a flash invalidation clears (see "Valid bits").
// * 2 MiB / 1 GiB blocks (smmu_mtlb_blk): a fully associative array of BLOCKS entries,
//   probed in parallel with the RAMs (a block is never split into pages, so a
//   TLBI by VA removes the whole block): tags (and what an invalidation
//   compares) in flip-flops, the payload in a LUT RAM read at the first
//   matching entry's index.
// * Tag: {SID, SSV, SSID, VA page, TBI}, the micro-TLB's tag; an entry's own
//   TBI says whether the top byte is compared (the probe does not know the
//   CD). Payload: the micro-TLB's entry, {PA, nG, effective perm, PAN, ASID,
//   attribute transform}, so a hit is used exactly as a micro-TLB hit.
// * Permissions (stop 34): the probe carries the access's direction, PnU and InD,
//   and every way and block entry checks them (smmu_perm) while the tags are
//   compared; the answer's an_ok is the check of the entry that hit. The
//   permission bits of the block entries are kept in flip-flops for this (their
//   payload RAM is read at the hit index, after the compare). So the caller
//   selects one "allowed" bit instead of checking the selected payload: the
//   check is off the path from the probe register to the queue's decision.
// * Probe in cycle T (pr_valid[p]), answer in T+1 (an_hit[p], payload).
//   A probe answers "miss" when an invalidation comes in its answer cycle;
//   the way a fill wrote in the probe cycle is not compared (the RAM read
//   returned its old contents, its valid bit is the new one).
// * Replacement: an invalid way of the set first, else the way one pointer
//   names (shared by every set, advanced on every fill that replaced an
//   entry); the block array the same with its own pointer.
// * Invalidation in one cycle, conservative for the RAM part:
//   TLBI_NH_VA / NH_VAA clear every way of the set the TLBI's VA indexes; every
//   other TLBI form and every CFGI clear all valid bits. Block entries are
//   scoped exactly (tlbi_covers_xlt / cfgi_covers, smmu_inv.vh).
// * Fills: the TCU's successful stage-1 walk results (the micro-TLB's fill
//   bus without STE-bypass entries), never during an invalidation (the caller
//   drops those; the module also ignores them).
module smmu_mtlb #(
    parameter SETS     = 256,
    parameter WAYS     = 4,
    parameter BLOCKS   = 8,
    parameter NP       = 2,      // probe ports
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter OAS_BITS = 48
) (
    input  wire                      clk,
    input  wire                      rst,

    // probes (cycle T)
    input  wire [NP-1:0]             pr_valid,
    input  wire [NP*SID_W-1:0]       pr_sid,
    input  wire [NP*SSID_W-1:0]      pr_ssid,
    input  wire [NP-1:0]             pr_ssv,
    input  wire [NP*52-1:0]          pr_va,      // VA[63:12]
    input  wire [NP-1:0]             pr_rnw,     // the access: 1 read, 0 write
    input  wire [NP-1:0]             pr_pnu,     // its AxPROT[0] and AxPROT[2]
    input  wire [NP-1:0]             pr_ind,

    // answers (cycle T+1)
    output reg  [NP-1:0]             an_hit,
    output reg  [NP*(OAS_BITS-12)-1:0] an_pa,    // output page / block base
    output reg  [NP*2-1:0]           an_size,
    output reg  [NP-1:0]             an_ng,
    output reg  [NP*5-1:0]           an_perm,
    output reg  [NP-1:0]             an_pan,
    output reg  [NP*16-1:0]          an_asid,
    output reg  [NP*22-1:0]          an_ax,
    output reg  [NP-1:0]             an_tbi,
    output reg  [NP-1:0]             an_ok,      // the hit entry allows the probe's access

    // fill
    input  wire                      fill_valid,
    input  wire [SID_W-1:0]          fill_sid,
    input  wire [SSID_W-1:0]         fill_ssid,
    input  wire                      fill_ssv,
    input  wire [63:12]              fill_va,
    input  wire                      fill_tbi,
    input  wire [1:0]                fill_size,
    input  wire [15:0]               fill_asid,
    input  wire                      fill_ng,
    input  wire [OAS_BITS-1:12]      fill_pa,
    input  wire [4:0]                fill_perm,
    input  wire                      fill_pan,
    input  wire [21:0]               fill_ax,

    // invalidation
    input  wire                      tlbi_valid,
    input  wire [7:0]                tlbi_op,
    input  wire [15:0]               tlbi_asid,
    input  wire [63:12]              tlbi_va,
    input  wire                      cfgi_valid,
    input  wire [31:0]               cfgi_sid,
    input  wire [31:0]               cfgi_mask
);

`include "smmu_inv.vh"
`include "smmu_attr.vh"   // AX_PIO

localparam IW  = $clog2(SETS);                    // set index bits
localparam WW  = (WAYS > 1) ? $clog2(WAYS) : 1;   // way number bits
localparam VTW = 36 - IW;                         // VA tag bits (VA[47:12+IW])
localparam PW  = OAS_BITS - 12;
// RAM word: {sid, ssv, ssid, va tag, tbi, pa, ng, perm, pan, asid, ax}
localparam TW  = SID_W + 1 + SSID_W + VTW + 1;
localparam DW  = PW + 1 + 5 + 1 + 16 + 22;
localparam D_PAN  = 22 + 16;                      // {..., perm, pan, asid, ax}: where the check reads
localparam D_PERM = D_PAN + 1;
localparam RW  = TW + DW;

wire inv = tlbi_valid || cfgi_valid;
wire inv_set = tlbi_valid && !cfgi_valid && (tlbi_op == INV_NH_VA || tlbi_op == INV_NH_VAA);
wire [IW-1:0] inv_idx = tlbi_va[12 +: IW];

// VA tags are VA[47:12+IW] (pages) and VA[47:12] (blocks), as in smmu_tlb: a
// translation is filled only for a VA whose bits [55:48] are 0 and, without
// TBI, whose top byte is 0 (the walk faults every other VA; a fill that breaks
// it is dropped), so a probe matches only if its VA has bits [55:48] = 0 and,
// for an entry without TBI, a top byte of 0: two compares per port, registered
// with the probe (p_lo0, p_top0), instead of 16 more tag bits per entry.
wire fill_canon = va_canon(fill_va[63:48], fill_tbi);

// ---------------------------------------------------------- 4 KiB pages: RAMs
wire              wr_page = fill_valid && !inv && fill_canon && fill_size == 2'd0;
wire [IW-1:0]     wr_idx  = fill_va[12 +: IW];
wire [SSID_W-1:0] wr_ssid = fill_ssv ? fill_ssid : {SSID_W{1'b0}};
wire [47:12+IW]   wr_vt   = fill_va[47:12+IW];
wire [RW-1:0]     wr_word = {fill_sid, fill_ssv, wr_ssid, wr_vt, fill_tbi,
                             fill_pa, fill_ng, fill_perm, fill_pan, fill_asid, fill_ax};

reg  [WW-1:0]        wr_way;
wire [NP*WAYS*RW-1:0] rd_word;     // per port, per way
wire [WAYS-1:0]      wr_vset;      // valid bits of the fill's set
wire [NP*WAYS-1:0]   p_vset;       // ... of the set each port compares (cycle T+1)
reg  [WW-1:0]        wr_rr;        // victim when the fill's set is full (one pointer for all sets)
wire                 inv_all = inv && !inv_set;

// Valid bits: per set a WAYS-bit word in a LUT RAM (written by the fill only: the
// word read at the fill's index with the new way set) and a per-set flip-flop
// `v_fresh` that says the word counts: cleared for the set a TLBI by VA indexes,
// for every set by the other invalidations, set by a fill. (Clearing all the
// 1,024 bits of the default in one cycle is what kept them in flip-flops, with a
// next-state LUT each and WAYS 256:1 multiplexers per read; now the flash clear
// is on SETS bits and one multiplexer per read.)
reg  [SETS-1:0] v_fresh;
reg  [WAYS-1:0] v_ram [0:SETS-1];
wire [WAYS-1:0] wr_vraw = v_ram[wr_idx];
assign wr_vset = v_fresh[wr_idx] ? wr_vraw : {WAYS{1'b0}};
always @(posedge clk)
    if (wr_page)
        v_ram[wr_idx] <= wr_vset | ({{(WAYS-1){1'b0}}, 1'b1} << wr_way);
always @(posedge clk)
    if (rst || inv_all)
        v_fresh <= {SETS{1'b0}};
    else if (inv_set)
        v_fresh[inv_idx] <= 1'b0;
    else if (wr_page)
        v_fresh[wr_idx] <= 1'b1;

genvar g, q;
generate
    for (g = 0; g < WAYS; g = g + 1) begin : g_way
        // one write port, NP synchronous read ports (synthesis: one RAM copy per read port)
        reg [RW-1:0] ram [0:SETS-1];
        always @(posedge clk)
            if (wr_page && wr_way == g)
                ram[wr_idx] <= wr_word;
        for (q = 0; q < NP; q = q + 1) begin : g_rd
            reg [RW-1:0] rdata;
            always @(posedge clk)
                if (pr_valid[q])
                    rdata <= ram[pr_va[q*52 +: IW]];
            assign rd_word[(q*WAYS+g)*RW +: RW] = rdata;
        end
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
// the pointer moves on every fill that replaced a valid entry
always @(posedge clk)
    if (rst)
        wr_rr <= {WW{1'b0}};
    else if (wr_page && !wr_free)
        wr_rr <= (wr_rr == WW'(WAYS - 1)) ? {WW{1'b0}} : wr_rr + 1'b1;

// ---------------------------------------------------------- 2 MiB / 1 GiB blocks (smmu_mtlb_blk)
localparam BD_W = DW + 2 + 1;   // a block hit's payload: {pa, ng, perm, pan, asid, ax, size, tbi}
wire               wr_block = fill_valid && !inv && fill_canon && fill_size != 2'd0;
wire [NP-1:0]      b_hit, b_ok;
wire [NP*BD_W-1:0] b_rd;

// ---------------------------------------------------------- probe pipeline (per port)
reg [NP-1:0]        an_valid;
reg [NP*SID_W-1:0]  p_sid;
reg [NP*SSID_W-1:0] p_ssid;
reg [NP-1:0]        p_ssv, p_coll;
reg [NP*WW-1:0]     p_coll_way;
reg [NP*36-1:0]     p_va;        // VA[47:12]
reg [NP-1:0]        p_lo0, p_top0;  // VA[55:48] = 0, VA[63:56] = 0
reg [NP-1:0]        p_rnw, p_pnu, p_ind;

always @(posedge clk) begin
    if (rst) begin
        an_valid   <= {NP{1'b0}};
        p_sid      <= {(NP*SID_W){1'b0}};
        p_ssid     <= {(NP*SSID_W){1'b0}};
        p_ssv      <= {NP{1'b0}};
        p_va       <= {(NP*36){1'b0}};
        p_lo0      <= {NP{1'b0}};
        p_top0     <= {NP{1'b0}};
        p_rnw      <= {NP{1'b0}};
        p_pnu      <= {NP{1'b0}};
        p_ind      <= {NP{1'b0}};
        p_coll     <= {NP{1'b0}};
        p_coll_way <= {(NP*WW){1'b0}};
    end else begin
        an_valid <= pr_valid;
        for (integer k = 0; k < NP; k = k + 1)
            if (pr_valid[k]) begin
                p_sid[k*SID_W +: SID_W]    <= pr_sid[k*SID_W +: SID_W];
                p_ssid[k*SSID_W +: SSID_W] <= pr_ssv[k] ? pr_ssid[k*SSID_W +: SSID_W] : {SSID_W{1'b0}};
                p_ssv[k]                   <= pr_ssv[k];
                p_va[k*36 +: 36]           <= pr_va[k*52 +: 36];
                p_lo0[k]                   <= pr_va[k*52+36 +: 8] == 8'd0;
                p_top0[k]                  <= pr_va[k*52+44 +: 8] == 8'd0;
                p_rnw[k]                   <= pr_rnw[k];
                p_pnu[k]                   <= pr_pnu[k];
                p_ind[k]                   <= pr_ind[k];
                // the RAM read of this cycle returns the set as it was before this fill
                p_coll[k]                  <= wr_page && wr_idx == pr_va[k*52 +: IW];
                p_coll_way[k*WW +: WW]     <= wr_way;
            end
    end
end

// The valid bits of the probed set are read in the probe cycle T and registered (p_vs;
// stop 31): the 256:1 multiplexers of v_fresh and v_ram are not on the answer's path. They
// are the bits as they will be in T+1: 0 when an invalidation in T clears the set; a fill in
// T to the set only adds its own way, which the compare skips anyway (p_coll).
generate
    for (q = 0; q < NP; q = q + 1) begin : g_pidx
        wire [IW-1:0]   q_idx = pr_va[q*52 +: IW];
        wire [WAYS-1:0] q_vraw = v_ram[q_idx];
        reg  [WAYS-1:0] p_vs;
        always @(posedge clk)
            if (rst)
                p_vs <= {WAYS{1'b0}};
            else if (pr_valid[q])
                p_vs <= (inv_all || (inv_set && inv_idx == q_idx) || !v_fresh[q_idx]) ? {WAYS{1'b0}} : q_vraw;
        assign p_vset[q*WAYS +: WAYS] = p_vs;
    end
endgenerate

// permission checks (cycle T+1), in parallel with the compares: every way's RAM word against
// the probe's access (the block entries': smmu_mtlb_blk)
wire [NP*WAYS-1:0] w_ok;
generate
    for (q = 0; q < NP; q = q + 1) begin : g_perm
        for (g = 0; g < WAYS; g = g + 1) begin : g_wp
            localparam integer WB = (q * WAYS + g) * RW;
            wire [1:0] unused_eff;
            smmu_perm perm_inst (
                .is_read(p_rnw[q]), .perm(rd_word[WB+D_PERM +: 5]), .pan(rd_word[WB+D_PAN]),
                .pio(rd_word[WB+AX_PIO +: 4]),
                .pnu(p_pnu[q]), .ind(p_ind[q]), .eff_pnu(unused_eff[0]), .eff_ind(unused_eff[1]),
                .ok(w_ok[q*WAYS+g])
            );
        end
    end
endgenerate

smmu_mtlb_blk #(.BLOCKS(BLOCKS), .NP(NP), .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS),
                .BD_W(BD_W)) blk_inst (
    .clk(clk), .rst(rst),
    .p_sid(p_sid), .p_ssid(p_ssid), .p_ssv(p_ssv), .p_va(p_va), .p_lo0(p_lo0), .p_top0(p_top0),
    .p_rnw(p_rnw), .p_pnu(p_pnu), .p_ind(p_ind), .b_hit(b_hit), .b_ok(b_ok), .b_rd(b_rd),
    .wr_block(wr_block), .fill_sid(fill_sid), .wr_ssid(wr_ssid), .fill_ssv(fill_ssv), .fill_va(fill_va[47:12]),
    .fill_tbi(fill_tbi), .fill_size(fill_size), .fill_asid(fill_asid), .fill_ng(fill_ng), .fill_pa(fill_pa),
    .fill_perm(fill_perm), .fill_pan(fill_pan), .fill_ax(fill_ax),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask)
);

// compare (cycle T+1)
reg  [RW-1:0]      w;
reg  [47:12+IW]    pva;         // the probe's VA tag
reg  [SID_W-1:0]   psid;
reg  [SSID_W-1:0]  pssid;
reg                hit_pg;

always @* begin
    an_hit  = {NP{1'b0}};
    an_pa   = {(NP*PW){1'b0}};
    an_size = {(NP*2){1'b0}};
    an_ng   = {NP{1'b0}};
    an_perm = {(NP*5){1'b0}};
    an_pan  = {NP{1'b0}};
    an_asid = {(NP*16){1'b0}};
    an_ax   = {(NP*22){1'b0}};
    an_tbi  = {NP{1'b0}};
    an_ok   = {NP{1'b0}};
    for (integer k = 0; k < NP; k = k + 1) begin
        hit_pg = 1'b0;
        w      = {RW{1'b0}};
        pva    = p_va[k*36+IW +: VTW];
        psid   = p_sid[k*SID_W +: SID_W];
        pssid  = p_ssid[k*SSID_W +: SSID_W];
        for (integer i = 0; i < WAYS; i = i + 1) begin
            w = rd_word[(k*WAYS+i)*RW +: RW];
            if (!hit_pg && p_vset[k*WAYS+i] && !(p_coll[k] && p_coll_way[k*WW +: WW] == i[WW-1:0]) &&
                w[RW-1 -: SID_W+1+SSID_W] == {psid, p_ssv[k], pssid} &&
                p_lo0[k] && (w[DW] || p_top0[k]) && (w[DW+1 +: VTW] ^ pva) == {VTW{1'b0}}) begin
                hit_pg = 1'b1;
                {an_pa[k*PW +: PW], an_ng[k], an_perm[k*5 +: 5], an_pan[k], an_asid[k*16 +: 16],
                 an_ax[k*22 +: 22]} = w[DW-1:0];
                an_tbi[k] = w[DW];
                an_ok[k]  = w_ok[k*WAYS+i];
            end
        end
        if (!hit_pg && b_hit[k]) begin
            {an_pa[k*PW +: PW], an_ng[k], an_perm[k*5 +: 5], an_pan[k], an_asid[k*16 +: 16],
             an_ax[k*22 +: 22], an_size[k*2 +: 2], an_tbi[k]} = b_rd[k*BD_W +: BD_W];
            an_ok[k] = b_ok[k];
        end
        // an invalidation in the answer cycle may remove the entry: miss
        an_hit[k] = an_valid[k] && (hit_pg || b_hit[k]) && !inv;
    end
end

// ---------------------------------------------------------- formal (yosys-sby only)
`ifdef FORMAL
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen && !rst) begin
    assert(!(fill_valid && inv));                 // nothing installed during an invalidation
    assert((an_hit & {NP{inv}}) == {NP{1'b0}});   // no hit answered while one is removing entries
end
`endif

endmodule

`resetall
