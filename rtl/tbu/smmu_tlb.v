`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_count.vh"

// Translation cache (TLB), fully associative, TLB_ENTRIES entries.
//
// An entry is tagged by the stream context {SID, SSV, SSID} and the VA page
// (4 KiB, 2 MiB or 1 GiB; with TBI the top byte is not compared), so a hit
// needs no configuration lookup: the entry carries the output page and the
// effective permissions (AP with APTable folded in, UXN/PXN with the
// XNTables, WXN applied) plus CD.PAN. ASID and nG are kept for TLBI matching.
// A "bypass" entry caches an STE that bypasses stage 1 (Config 100, or
// S1DSS=bypass): it matches every address below 2^OAS of its stream.
//
// * NLK lookup ports, combinational (used in the s_axi handshake cycle); a
//   lookup matches at most one entry: the one-hot match is encoded to the
//   entry's index, which reads the entry's payload.
// * Storage (docs/architecture.md design decision 12): what every entry is
//   compared on at once (valid, bypass, stream, VA, TBI, size, ASID, nG) is in
//   flip-flops; the payload a hit returns ({PA, perm, PAN, attribute
//   transform, ASID, nG, size, bypass}) is a RAM written by the fill port only
//   (no reset: read only through a match of a valid entry) and read
//   asynchronously at each port's hit index (LUT RAM, one copy per port).
//   Outputs are 0 without a hit.
// * One fill port, in two stages (stop 31): the cycle a fill arrives its victim
//   and the entries it overlaps are chosen and registered, the cycle after the
//   victim is written and the overlapping entries dropped (so the fill's compare
//   and choice never reach the entries' write enables). The victim is an entry
//   the fill overlaps if there is one, else an invalid entry, else the
//   round-robin pointer. Faults are never filled (the walker only fills
//   successful translations).
// * Invalidation in one cycle: TLBI_NH_ALL / NSNH_ALL (everything),
//   NH_ASID (non-global entries of the ASID), NH_VA (entries covering the VA
//   whose ASID matches or that are global), NH_VAA (entries covering the VA),
//   and CFGI (every entry of the StreamIDs selected by sid/mask: a TLB hit
//   identifies the stream, so a configuration change must drop them).
//   TLBI Leaf does not matter here (every entry is a leaf; the walk caches,
//   smmu_wcache, apply it).
module smmu_tlb #(
    parameter ENTRIES  = 32,
    parameter NLK      = 2,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter OAS_BITS = 48
) (
    input  wire                    clk,
    input  wire                    rst,

    // lookup ports
    input  wire [NLK*SID_W-1:0]    lk_sid,
    input  wire [NLK*SSID_W-1:0]   lk_ssid,
    input  wire [NLK-1:0]          lk_ssv,
    input  wire [NLK*64-1:0]       lk_va,
    output reg  [NLK-1:0]          lk_hit,
    output wire [NLK*OAS_BITS-1:0] lk_pa,      // the output address of lk_va
    output wire [NLK*5-1:0]        lk_perm,    // {PW, UR, UW, PX, UX} (PR is always 1)
    output wire [NLK-1:0]          lk_pan,
    output wire [NLK-1:0]          lk_byp,
    output wire [NLK*16-1:0]       lk_asid,    // the hit entry's ASID, nG and size: what an
    output wire [NLK-1:0]          lk_ng,      // invalidation of the decision must cover
    output wire [NLK*2-1:0]        lk_size,
    output wire [NLK*22-1:0]       lk_ax,      // attribute transform (smmu_attr.vh)

    // fill
    input  wire                    fill_valid,
    input  wire                    fill_byp,
    input  wire [SID_W-1:0]        fill_sid,
    input  wire [SSID_W-1:0]       fill_ssid,
    input  wire                    fill_ssv,
    input  wire [63:12]            fill_va,
    input  wire                    fill_tbi,
    input  wire [1:0]              fill_size,  // 0: 4 KiB, 1: 2 MiB, 2: 1 GiB
    input  wire [15:0]             fill_asid,
    input  wire                    fill_ng,
    input  wire [OAS_BITS-1:12]    fill_pa,    // output page/block base
    input  wire [4:0]              fill_perm,
    input  wire                    fill_pan,
    input  wire [21:0]             fill_ax,
    input  wire                    fill_en,    // 0 drops the fill being written (SMMUEN = 0)

    // invalidation
    input  wire                    tlbi_valid,
    input  wire [7:0]              tlbi_op,
    input  wire [15:0]             tlbi_asid,
    input  wire [63:12]            tlbi_va,
    input  wire                    cfgi_valid,
    input  wire [31:0]             cfgi_sid,
    input  wire [31:0]             cfgi_mask,

    output reg  [31:0]             cnt_fills
);

`include "smmu_cd.vh"
`include "smmu_inv.vh"

localparam IDX_W = (ENTRIES > 1) ? $clog2(ENTRIES) : 1;

reg                  e_v     [0:ENTRIES-1];
reg                  e_byp   [0:ENTRIES-1];
reg [SID_W-1:0]      e_sid   [0:ENTRIES-1];
reg [SSID_W-1:0]     e_ssid  [0:ENTRIES-1];
reg                  e_ssv   [0:ENTRIES-1];
reg [47:12]          e_va    [0:ENTRIES-1];   // VA[55:48] is 0 in every entry (below)
reg                  e_tbi   [0:ENTRIES-1];
reg [1:0]            e_size  [0:ENTRIES-1];
reg [15:0]           e_asid  [0:ENTRIES-1];
reg                  e_ng    [0:ENTRIES-1];
reg [IDX_W-1:0]      rr_reg;
// the payload RAM: {pa, perm, pan, ax (output attributes: final rule applied per
// transaction), asid, ng, size, byp}
localparam PL_W = (OAS_BITS - 12) + 5 + 1 + 22 + 16 + 1 + 2 + 1;
reg [PL_W-1:0]       e_pl    [0:ENTRIES-1];

// VA bits [47:12] an entry compares: the page number above its size. The bits
// above are not stored: a translation is filled only for a VA whose bits
// [55:48] are 0 and, without TBI, whose top byte is 0 as well (the walk's
// input-range check faults every other VA: T0SZ >= 16, VA[55] = 1 selects
// TTB1, never walked; a fill that breaks this is dropped), so an entry
// matches a VA only if the VA's bits [55:48] are 0 and, for an entry without
// TBI, its top byte is 0: two compares per port instead of 16 bits per entry.
function [47:12] va_mask;
    input [1:0] size;
    begin
        va_mask = {36{1'b1}};
        if (size == 2'd1)
            va_mask[20:12] = 9'd0;
        else if (size == 2'd2)
            va_mask[29:12] = 18'd0;
    end
endfunction

// the compare mask of every entry (one copy for lookups and invalidations)
wire [47:12] e_msk [0:ENTRIES-1];
genvar g;
generate
    for (g = 0; g < ENTRIES; g = g + 1) begin : g_msk
        assign e_msk[g] = va_mask(e_size[g]);
    end
endgenerate

// ---------------------------------------------------------- lookups
// A lookup matches at most one entry (a fill first drops every entry of its
// stream that overlaps it, see "fill" below), so the match vector is one-hot:
// its index is an OR of the matching entries' numbers, and the payload is read
// there; the output address is joined after the read.
reg [NLK*ENTRIES-1:0] lk_m;
reg [NLK*IDX_W-1:0]   lk_idx;
reg [63:12]        va;
reg [SID_W-1:0]    sid;
reg [SSID_W-1:0]   ssid;
reg                ssv, va_lo0, va_top0;
always @* begin
    lk_hit = {NLK{1'b0}};
    lk_idx = {(NLK*IDX_W){1'b0}};
    for (integer p = 0; p < NLK; p = p + 1) begin
        va     = lk_va[p*64+12 +: 52];
        sid    = lk_sid[p*SID_W +: SID_W];
        ssid   = lk_ssid[p*SSID_W +: SSID_W];
        ssv    = lk_ssv[p];
        va_lo0  = va[55:48] == 8'd0;
        va_top0 = va[63:56] == 8'd0;
        for (integer i = 0; i < ENTRIES; i = i + 1) begin
            lk_m[p*ENTRIES+i] = e_v[i] && e_sid[i] == sid && e_ssv[i] == ssv && (!ssv || e_ssid[i] == ssid) &&
                         (e_byp[i] ? (va[63:OAS_BITS] == {(64-OAS_BITS){1'b0}})
                                   : (va_lo0 && (e_tbi[i] || va_top0) &&
                                      ((va[47:12] ^ e_va[i]) & e_msk[i]) == 36'd0));
            if (lk_m[p*ENTRIES+i]) begin
                lk_hit[p]                = 1'b1;
                lk_idx[p*IDX_W +: IDX_W] = lk_idx[p*IDX_W +: IDX_W] | i[IDX_W-1:0];
            end
        end
    end
end

// the payload at each port's hit index (0 without a hit)
genvar gp;
generate
    for (gp = 0; gp < NLK; gp = gp + 1) begin : g_rd
        wire [PL_W-1:0]      rd = e_pl[lk_idx[gp*IDX_W +: IDX_W]];
        wire [OAS_BITS-1:12] r_pa;
        wire [4:0]           r_perm;
        wire                 r_pan, r_ng, r_byp;
        wire [21:0]          r_ax;
        wire [15:0]          r_asid;
        wire [1:0]           r_size;
        assign {r_pa, r_perm, r_pan, r_ax, r_asid, r_ng, r_size, r_byp} = rd;
        wire h = lk_hit[gp];
        wire [OAS_BITS-1:0] pva = lk_va[gp*64 +: OAS_BITS];
        assign lk_byp[gp]                     = h && r_byp;
        assign lk_size[gp*2 +: 2]             = h ? r_size : 2'd0;
        assign lk_pan[gp]                     = h && r_pan;
        assign lk_perm[gp*5 +: 5]             = h ? r_perm : 5'd0;
        assign lk_asid[gp*16 +: 16]           = h ? r_asid : 16'd0;
        assign lk_ng[gp]                      = h && r_ng;
        assign lk_ax[gp*22 +: 22]             = h ? r_ax : 22'd0;
        assign lk_pa[gp*OAS_BITS +: OAS_BITS] = !h ? {OAS_BITS{1'b0}} :
                                                r_byp ? pva : join_pa(r_pa, r_size, pva[29:0]);
    end
endgenerate

// The one-match property the index encoding relies on (simulation and formal).
`ifndef SYNTHESIS
`ifndef FORMAL   // (yosys' formal front-end has no $fatal)
reg dbg_rst_seen;   // random initial state (Verilator x-initial) is not checked
initial dbg_rst_seen = 1'b0;
always @(posedge clk) if (rst) dbg_rst_seen <= 1'b1;
always @(posedge clk)
    if (!rst && dbg_rst_seen)
        for (integer p = 0; p < NLK; p = p + 1)
            if ((lk_m[p*ENTRIES +: ENTRIES] & (lk_m[p*ENTRIES +: ENTRIES] - 1'b1)) != {ENTRIES{1'b0}})
                $fatal(1, "smmu_tlb: lookup port %0d matches more than one entry (%b)", p,
                       lk_m[p*ENTRIES +: ENTRIES]);
`endif
`endif
`ifdef FORMAL
always @* if (!rst)
    for (integer p = 0; p < NLK; p = p + 1)
        assert((lk_m[p*ENTRIES +: ENTRIES] & (lk_m[p*ENTRIES +: ENTRIES] - 1'b1)) == {ENTRIES{1'b0}});
`endif

// ---------------------------------------------------------- fill victim
// the fill chosen last cycle: its victim, the entries it overlapped then, its tag and payload
reg                  b_v;
reg [IDX_W-1:0]      b_idx;
reg [ENTRIES-1:0]    b_dup;
reg                  b_ssv, b_tbi;
reg [SID_W-1:0]      b_sid;
reg [SSID_W-1:0]     b_ssid;
reg [47:12]          b_va;
reg [PL_W-1:0]       b_pl;
// the tag fields the payload holds too: {..., asid, ng, size, byp}
wire [15:0]          b_asid = b_pl[19:4];
wire                 b_ng   = b_pl[3];
wire [1:0]           b_size = b_pl[2:1];
wire                 b_byp  = b_pl[0];
// (an invalid entry the pending fill writes this cycle is not free)
reg             free_found;
reg [IDX_W-1:0] free_idx;
always @* begin
    free_found = 1'b0;
    free_idx   = rr_reg;
    for (integer i = 0; i < ENTRIES; i = i + 1)
        if (!free_found && !e_v[i] && !(b_v && b_idx == i[IDX_W-1:0])) begin
            free_found = 1'b1;
            free_idx   = i[IDX_W-1:0];
        end
end

// ---------------------------------------------------------- per-entry compare: fill or invalidation
// A fill never coincides with an invalidation (the caller drops it), so one VA
// and one StreamID comparator per entry serve both: in an invalidation cycle
// they compare with the TLBI VA / the CFGI StreamID under its mask, otherwise
// with the fill.
wire [47:12] c_va   = tlbi_valid ? tlbi_va[47:12] : fill_va[47:12];
wire [47:12] c_msk  = tlbi_valid ? {36{1'b1}} : va_mask(fill_size);
// a TLBI VA with bits [55:48] set covers no entry, nor one with its top byte set an entry
// without TBI; a fill's VA passes both (fill_ok)
wire         c_lo0  = !tlbi_valid || tlbi_va[55:48] == 8'd0;
wire         c_top0 = !tlbi_valid || tlbi_va[63:56] == 8'd0;
wire [31:0]  c_sid  = cfgi_valid ? cfgi_sid : {{(32-SID_W){1'b0}}, fill_sid};
wire [31:0]  c_smsk = cfgi_valid ? cfgi_mask : {32{1'b1}};
// CFGI StreamID bits above SID_W: no entry has them set
wire         c_shi  = ((c_sid & c_smsk) >> SID_W) == 32'd0;
reg [ENTRIES-1:0] va_eq, sid_eq;
always @* begin
    for (integer i = 0; i < ENTRIES; i = i + 1) begin
        va_eq[i]  = c_lo0 && (e_tbi[i] || c_top0) && ((c_va ^ e_va[i]) & e_msk[i] & c_msk) == 36'd0;
        sid_eq[i] = c_shi && ((e_sid[i] ^ c_sid[SID_W-1:0]) & c_smsk[SID_W-1:0]) == {SID_W{1'b0}};
    end
end

// ---------------------------------------------------------- fill, stage A: victim choice
// A fill never coincides with an invalidation (the caller drops it). A translation
// whose VA bits [55:48] (or, without TBI, its top byte) are not 0 is not filled
// (see va_mask: the walk never returns one).
wire fill_ok = fill_valid && !tlbi_valid && !cfgi_valid &&
               (fill_byp || va_canon(fill_va[63:48], fill_tbi));

// Entries of the fill's stream that overlap it (same page or block, or a bypass
// entry of the stream): the first is the victim, the others are dropped, so a
// fill never makes a second entry for what the TLB already holds (a lookup that
// hit but was refused by the permissions walks again and refills its page).
reg [ENTRIES-1:0] dup_vec;
reg               dup_found;
reg [IDX_W-1:0]   dup_idx;
always @* begin
    dup_vec   = {ENTRIES{1'b0}};
    dup_found = 1'b0;
    dup_idx   = {IDX_W{1'b0}};
    for (integer i = 0; i < ENTRIES; i = i + 1) begin
        dup_vec[i] = e_v[i] && sid_eq[i] && e_ssv[i] == fill_ssv &&
                     (!fill_ssv || e_ssid[i] == fill_ssid) && (e_byp[i] || fill_byp || va_eq[i]);
        if (dup_vec[i] && !dup_found) begin
            dup_found = 1'b1;
            dup_idx   = i[IDX_W-1:0];
        end
    end
end
// The fill written this cycle (stage B) is not an entry yet: a fill overlapping it takes
// its victim (and overwrites it next cycle), so two entries never match one lookup.
wire b_ov = b_v && b_sid == fill_sid && b_ssv == fill_ssv && (!fill_ssv || b_ssid == fill_ssid) &&
            (b_byp || fill_byp ||
             ((b_va ^ fill_va[47:12]) & va_mask(b_size) & va_mask(fill_size)) == 36'd0);
wire [IDX_W-1:0] victim = b_ov ? b_idx : dup_found ? dup_idx : free_idx;

// ---------------------------------------------------------- fill, stage B: the write
always @(posedge clk) begin
    b_v <= !rst && fill_ok;
    if (fill_ok) begin   // (no reset: read only with b_v)
        b_idx  <= victim;
        b_dup  <= dup_vec;
        b_sid  <= fill_sid;
        b_ssid <= fill_ssv ? fill_ssid : {SSID_W{1'b0}};
        b_ssv  <= fill_ssv;
        b_va   <= fill_va[47:12];
        b_tbi  <= fill_tbi;
        b_pl   <= {fill_pa, fill_perm, fill_pan, fill_ax, fill_asid, fill_ng, fill_size, fill_byp};
    end
end
// An invalidation now, or SMMUEN = 0, drops the write: nothing looked up before an
// invalidation is installed after it. The overlapped entries are dropped anyway.
wire b_go = b_v && fill_en && !tlbi_valid && !cfgi_valid;

// ---------------------------------------------------------- invalidation match
function inv_hit;
    input [IDX_W-1:0] k;
    reg va_cov;
    begin
        va_cov = !e_byp[k] && va_eq[k];
        inv_hit = 1'b0;
        if (tlbi_valid)
            case (tlbi_op)
                INV_NH_ALL, INV_NSNH_ALL: inv_hit = 1'b1;
                INV_NH_ASID: inv_hit = !e_byp[k] && e_ng[k] && e_asid[k] == tlbi_asid;
                INV_NH_VA:   inv_hit = va_cov && (!e_ng[k] || e_asid[k] == tlbi_asid);
                INV_NH_VAA:  inv_hit = va_cov;
                default:     inv_hit = 1'b0;
            endcase
        if (cfgi_valid && sid_eq[k])
            inv_hit = 1'b1;
    end
endfunction

always @(posedge clk) begin
    if (rst) begin
        rr_reg    <= {IDX_W{1'b0}};
        cnt_fills <= 32'd0;
        for (integer k = 0; k < ENTRIES; k = k + 1) begin
            e_v[k]    <= 1'b0;
            e_byp[k]  <= 1'b0;
            e_sid[k]  <= {SID_W{1'b0}};
            e_ssid[k] <= {SSID_W{1'b0}};
            e_ssv[k]  <= 1'b0;
            e_va[k]   <= 36'd0;
            e_tbi[k]  <= 1'b0;
            e_size[k] <= 2'd0;
            e_asid[k] <= 16'd0;
            e_ng[k]   <= 1'b0;
        end
    end else begin
        for (integer k = 0; k < ENTRIES; k = k + 1)
            if (inv_hit(k[IDX_W-1:0]) || (b_v && b_dup[k] && k[IDX_W-1:0] != b_idx))
                e_v[k] <= 1'b0;
        if (fill_ok && !b_ov && !dup_found && !free_found)
            rr_reg <= (rr_reg == IDX_W'(ENTRIES - 1)) ? {IDX_W{1'b0}} : rr_reg + 1'b1;
        if (b_go) begin
            e_v[b_idx]    <= 1'b1;
            e_byp[b_idx]  <= b_byp;
            e_sid[b_idx]  <= b_sid;
            e_ssid[b_idx] <= b_ssid;
            e_ssv[b_idx]  <= b_ssv;
            e_va[b_idx]   <= b_va;
            e_tbi[b_idx]  <= b_tbi;
            e_size[b_idx] <= b_size;
            e_asid[b_idx] <= b_asid;
            e_ng[b_idx]   <= b_ng;
            `SMMU_COUNT(cnt_fills, 1'b1);
        end
    end
end

// the payload RAM's one write port (no reset: read only through a valid entry's match)
always @(posedge clk)
    if (!rst && b_go)
        e_pl[b_idx] <= b_pl;

endmodule

`resetall
