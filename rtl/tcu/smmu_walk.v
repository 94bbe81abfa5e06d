`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_count.vh"
`include "smmu_cd_w.vh"

// Walk control: NW page-table walkers (walk slots), the decision taken when
// the configuration engine answers a lookup, and the TLB fills. The slots'
// records, stale marks and fills are smmu_walk_slots.
//
// The configuration engine answers one lookup at a time, and a lookup is only
// requested while a walker is free (slot_free), so an answer that needs a walk
// always finds a walker. A walker is free when its slot is idle and no TBU holds
// it (slot_hold: a transaction still reads the slot's last result, see below). For the answer the transaction's table gets:
//   ANS_ABORT  terminate (the configuration engine has recorded any event)
//   ANS_BYPASS pass through untranslated (the STE bypasses stage 1)
//   ANS_FAULT  F_TRANSLATION from the input-range checks (VA[55], T0SZ with
//              TBI0, EPD0): no walk
//   ANS_WALK   wait for walk slot ans_slot: a new walk, or a walk already in
//              flight for the same {stream, VA page} (merge)
//   ANS_RETRY  an invalidation arrived with a bypass/stage-1 answer: look
//              it up again (an ABORT stays: its record is already queued)
// A TLBI or CFGI marks every walk in flight stale: its result is neither
// installed in the TLB nor used (the waiting transactions go back to the
// configuration lookup), so nothing looked up before an invalidation
// survives it. CMD_SYNC waits until stale walks have finished, so after
// TLBI + SYNC software may free or reuse the tables they were reading.
// Walk caches (smmu_wcache): a new walk starts below the deepest cached table
// descriptor of its context and VA; a walker's table descriptors fill them
// unless the walk is stale or may be (s_stale / s_sglob) or an invalidation
// is happening in that cycle.
// The main TLB is in the TBU (rtl/tbu/smmu_mtlb.v): a micro-TLB miss that hits
// it never reaches walk control; the TBU fills it from this unit's fill bus.
module smmu_walk #(
    parameter NW       = 2,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter OAS_BITS = 48,
    parameter SLOT_W   = 1,
    parameter WC_ENTRIES = 4,   // walk-cache entries per level (smmu_wcache), 0: none
    parameter HOLD_LAG = 0      // cycles from an answer to the TBUs' slot_hold showing it (2 * LINK_REG)
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire                     smmuen,      // walk-cache fills only with SMMUEN=1 (as the TLB's)

    // the lookup being asked (latched at the configuration request handshake)
    input  wire                     req_fire,
    input  wire [SID_W-1:0]         req_sid,
    input  wire [SSID_W-1:0]        req_ssid,
    input  wire                     req_ssv,
    input  wire [63:0]              req_va,
    output wire                     slot_free,
    input  wire [NW-1:0]            slot_hold,   // the TBUs still read these slots' last results
    output wire                     sync_block,  // a stale walk is still reading tables
    output wire                     busy,        // a walk is in progress

    // the configuration engine's answer
    input  wire                     resp_valid,
    input  wire [1:0]               resp_kind,
    input  wire [`SMMU_CD_W-1:0]    resp_cd,
    input  wire                     resp_cacheable,
    output reg  [2:0]               ans_kind,
    output reg  [SLOT_W-1:0]        ans_slot,

    // TLBI / CFGI this cycle (smmu_cmdq), scoped as smmu_inv.vh says
    input  wire                     tlbi_valid,
    input  wire [7:0]               tlbi_op,
    input  wire [15:0]              tlbi_asid,
    input  wire [63:12]             tlbi_va,
    input  wire                     tlbi_leaf,
    input  wire                     cfgi_valid,
    input  wire [31:0]              cfgi_sid,
    input  wire [31:0]              cfgi_mask,

    // the walk result message: at most one walk ends per cycle (its last descriptor is
    // the one beat of the shared walker R channel), so one result names its slot
    output wire                     w_done,      // walk slot w_slot ended this cycle
    output wire [SLOT_W-1:0]        w_slot,
    output wire                     w_stale,     // the finishing walk was invalidated: retry
    output wire                     w_ng,
    output wire [2:0]               w_fault,
    output wire [OAS_BITS-1:0]      w_fetch,
    output wire [OAS_BITS-13:0]     w_pa,        // PA[OAS-1:12]
    output wire [1:0]               w_size,
    output wire [4:0]               w_perm,
    output wire [5:0]               w_ax,        // {S1C, DSH} of the leaf (smmu_attr.vh)

    // walker-port readers, one per slot
    output wire [NW*OAS_BITS-1:0]   rd_addr,
    output wire [NW*6-1:0]          rd_attr,     // {domain, ARCACHE} of each walker's reads
    output wire [NW-1:0]            rd_valid,
    input  wire [NW-1:0]            rd_ready,
    input  wire [NW-1:0]            rd_rvalid,
    input  wire [63:0]              rd_rdata,
    input  wire [1:0]               rd_rresp,

    // TLB fill (the micro-TLB's is gated by SMMUEN in smmu_top; the main TLB's by smmuen)
    output wire                     fill_valid,
    output wire                     fill_byp,
    output wire [SID_W-1:0]         fill_sid,
    output wire [SSID_W-1:0]        fill_ssid,
    output wire                     fill_ssv,
    output wire [63:12]             fill_va,
    output wire                     fill_tbi,
    output wire [1:0]               fill_size,
    output wire [15:0]              fill_asid,
    output wire                     fill_ng,
    output wire [OAS_BITS-1:12]     fill_pa,
    output wire [4:0]               fill_perm,
    output wire                     fill_pan,
    output wire [21:0]              fill_ax,     // attribute transform (smmu_attr.vh)

    output reg  [31:0]              cnt_walks,
    output reg  [31:0]              cnt_merges
);

`include "smmu_cd.vh"
`include "smmu_inv.vh"

`include "smmu_attr.vh"

localparam [2:0] ANS_ABORT = 3'd0, ANS_BYPASS = 3'd1, ANS_FAULT = 3'd2, ANS_WALK = 3'd3,
                 ANS_RETRY = 3'd4;

// ---------------------------------------------------------- the lookup being answered
reg [SID_W-1:0]  q_sid_reg;
reg [SSID_W-1:0] q_ssid_reg;
reg              q_ssv_reg;
reg [63:0]       q_va_reg;

always @(posedge clk) begin
    if (rst) begin
        q_sid_reg  <= {SID_W{1'b0}};
        q_ssid_reg <= {SSID_W{1'b0}};
        q_ssv_reg  <= 1'b0;
        q_va_reg   <= 64'd0;
    end else if (req_fire) begin
        q_sid_reg  <= req_sid;
        q_ssid_reg <= req_ssv ? req_ssid : {SSID_W{1'b0}};
        q_ssv_reg  <= req_ssv;
        q_va_reg   <= req_va;
    end
end

// ---------------------------------------------------------- the answer
wire [NW-1:0]    s_idle;    // walker idle (smmu_ptw)
wire        cd_tbi  = resp_cd[CD_TBI0];
wire        cd_epd0 = resp_cd[CD_EPD0];
wire [5:0]  cd_t0sz = resp_cd[CD_T0SZ_LSB +: 6];

// input range: VA[55] selects TTB1 (never walked); VA[AddrTop:IAS] must be 0
wire [6:0]  ias      = 7'd64 - {1'b0, cd_t0sz};
wire [63:0] hi_mask0 = ~((64'd1 << ias) - 64'd1);
wire [63:0] hi_mask  = cd_tbi ? {8'd0, hi_mask0[55:0]} : hi_mask0;
wire        range_fault = q_va_reg[55] || ((q_va_reg & hi_mask) != 64'd0) || cd_epd0;

// A slot whose walk ended starts no new walk while a TBU may still read its result:
// the TBUs hold it (slot_hold, registered) while a transaction waits for it or has not
// copied it (smmu_xlt_q p_wb); the answers of the last HOLD_LAG cycles hold it too,
// until their transactions show in slot_hold.
reg  [NW-1:0] ans_lag1, ans_lag2;
wire [NW-1:0] ans_now  = (resp_valid && ans_kind == ANS_WALK) ? (NW'(1) << ans_slot) : {NW{1'b0}};
wire [NW-1:0] s_held   = slot_hold | (HOLD_LAG >= 1 ? ans_lag1 : {NW{1'b0}}) |
                         (HOLD_LAG >= 2 ? ans_lag2 : {NW{1'b0}});
wire [NW-1:0] s_avail  = s_idle & ~s_held;
always @(posedge clk)
    if (rst) begin
        ans_lag1 <= {NW{1'b0}};
        ans_lag2 <= {NW{1'b0}};
    end else begin
        ans_lag1 <= ans_now;
        ans_lag2 <= ans_lag1;
    end

// the walk slots' search (smmu_walk_slots): a walk to merge with, a free walker
wire             merge_hit, free_hit;
wire [SLOT_W-1:0] merge_idx, free_idx;
wire [SLOT_W:0]  n_idle;

// does this cycle's invalidation cover the lookup being answered?
wire [1:0] q_tcov = tlbi_valid ? tlbi_covers_walk(tlbi_op, tlbi_asid, tlbi_va, tlbi_leaf,
                                                  resp_cd[CD_ASID_LSB +: 16], q_va_reg[47:12]) : 2'b00;
wire       q_ccov = cfgi_valid && cfgi_covers({{(32-SID_W){1'b0}}, q_sid_reg}, cfgi_sid, cfgi_mask);
// (a VA form of another ASID covers the new walk only if it ends global: the walk
// starts with that mark instead of the lookup being made again)
wire       ans_inv = q_ccov || (resp_kind == KIND_S1 && q_tcov[0]);

always @* begin
    ans_kind = ANS_ABORT;
    ans_slot = merge_hit ? merge_idx : free_idx;
    // an invalidation now that covers it, or a CFGI during the lookup (the answer
    // was not cacheable): a bypass / stage-1 answer may be stale, look it up again.
    // An ABORT is final: its record (if any) has been queued already.
    if ((resp_kind == KIND_BYPASS || resp_kind == KIND_S1) && (ans_inv || !resp_cacheable))
        ans_kind = ANS_RETRY;
    else if (resp_kind == KIND_BYPASS)
        ans_kind = ANS_BYPASS;
    else if (resp_kind == KIND_S1) begin
        if (range_fault)
            ans_kind = ANS_FAULT;
        else if (merge_hit || free_hit)
            ans_kind = ANS_WALK;
        else
            ans_kind = ANS_RETRY;   // cannot happen: lookups wait for a free walker
    end
end

assign busy       = ~&s_idle;
wire start_walk = resp_valid && ans_kind == ANS_WALK && !merge_hit;

// ---------------------------------------------------------- walk caches
wire                wc_hit;
wire [1:0]          wc_level;
wire [OAS_BITS-1:12] wc_table;
wire [3:0]          wc_acc;
wire [NW-1:0]       td_valid;
wire [NW*2-1:0]     td_level;
wire [NW*(OAS_BITS-12)-1:0] td_table;
wire [NW*4-1:0]     td_acc;
wire                wc_fill;   // slot tf_idx fills them (smmu_walk_slots)
wire [SLOT_W-1:0]   tf_idx;
wire [SID_W-1:0]    wc_sid;
wire                wc_ssv;
wire [SSID_W-1:0]   wc_ssid;
wire [15:0]         wc_asid;
wire [47:21]        wc_va;

smmu_wcache #(.ENTRIES(WC_ENTRIES), .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS)) wcache_inst (
    .clk(clk), .rst(rst),
    .q_new(req_fire), .q_sid(q_sid_reg), .q_ssv(q_ssv_reg), .q_ssid(q_ssid_reg), .q_va(q_va_reg[47:21]),
    .lk_asid(resp_cd[CD_ASID_LSB +: 16]),
    .lk_hit(wc_hit), .lk_level(wc_level), .lk_table(wc_table), .lk_acc(wc_acc),
    .fill_valid(wc_fill), .fill_level(td_level[tf_idx*2 +: 2]), .fill_sid(wc_sid),
    .fill_ssv(wc_ssv), .fill_ssid(wc_ssid), .fill_asid(wc_asid),
    .fill_va(wc_va), .fill_table(td_table[tf_idx*(OAS_BITS-12) +: OAS_BITS-12]),
    .fill_acc(td_acc[tf_idx*4 +: 4]),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va[47:21]),
    .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask)
);
// a walker is free for the next lookup unless this answer takes the last one
assign slot_free = n_idle > {{SLOT_W{1'b0}}, start_walk};

// ---------------------------------------------------------- walkers
reg [63:0]                  s_mair [0:NW-1];    // their memory attributes: CD MAIR,
reg [5:0]                   s_wattr[0:NW-1];    // ... CD {SH0, OR0, IR0}
wire [NW-1:0]               s_ng;
wire [NW-1:0]               p_done;
wire [NW*3-1:0]             p_fault;
wire [NW*6-1:0]             p_ax;
wire [NW*OAS_BITS-1:0]      p_fetch;
wire [NW*(OAS_BITS-12)-1:0] p_pa;
wire [NW*2-1:0]             p_size;
wire [NW*5-1:0]             p_perm;
wire [NW*3-1:0]             p_attridx;
wire [NW*2-1:0]             p_sh;

genvar g;
generate
    for (g = 0; g < NW; g = g + 1) begin : gen_w
        smmu_ptw #(.OAS_BITS(OAS_BITS)) ptw_inst (
            .clk(clk), .rst(rst),
            .start(start_walk && free_idx == g),
            .va(q_va_reg[47:12]),
            .ttb0(resp_cd[CD_TTB0_LSB +: 44]),
            .t0sz(cd_t0sz),
            .ips(resp_cd[CD_IPS_LSB +: 3]),
            .affd(resp_cd[CD_AFFD]),
            .wxn(resp_cd[CD_WXN]),
            .wc_hit(wc_hit), .wc_level(wc_level), .wc_table(wc_table), .wc_acc(wc_acc),
            .idle(s_idle[g]),
            .done(p_done[g]),
            .fault(p_fault[g*3 +: 3]),
            .fetch_addr(p_fetch[g*OAS_BITS +: OAS_BITS]),
            .pa(p_pa[g*(OAS_BITS-12) +: OAS_BITS-12]),
            .size(p_size[g*2 +: 2]),
            .ng(s_ng[g]),
            .perm(p_perm[g*5 +: 5]),
            .attridx(p_attridx[g*3 +: 3]),
            .sh(p_sh[g*2 +: 2]),
            .td_valid(td_valid[g]), .td_level(td_level[g*2 +: 2]),
            .td_table(td_table[g*(OAS_BITS-12) +: OAS_BITS-12]), .td_acc(td_acc[g*4 +: 4]),
            .rd_addr(rd_addr[g*OAS_BITS +: OAS_BITS]),
            .rd_valid(rd_valid[g]), .rd_ready(rd_ready[g]),
            .rd_rvalid(rd_rvalid[g]), .rd_rdata(rd_rdata), .rd_rresp(rd_rresp)
        );
        // leaf memory class from CD.MAIR[AttrIndx]; SH 01 (reserved) behaves as NSH
        assign p_ax[g*6 +: 6] = {mair_class(s_mair[g][p_attridx[g*3 +: 3]*8 +: 8]),
                                 (p_sh[g*2 +: 2] == 2'b01) ? 2'b00 : p_sh[g*2 +: 2]};
        // TTB0 walk reads (13.8): CD.{IR0, OR0, SH0}: 01 WB RA WA, 10 WT RA, 11 WB RA no WA
        // (the walker offers its first read in the start cycle: the answer's CD then)
        wire [5:0] wa = (start_walk && free_idx == g) ? resp_cd[CD_WATTR_LSB +: 6] : s_wattr[g];
        assign rd_attr[g*6 +: 6] = own_attr(wa[1:0] == 2'b01 || wa[1:0] == 2'b11,
                                            wa[3:2] == 2'b01 || wa[3:2] == 2'b11,
                                            1'b1, wa[3:2] == 2'b01, wa[5:4], 1'b1);
    end
endgenerate

// the result message: the slot that ended (smmu_walk_slots: p_done is one-hot or zero,
// walkers finish on their own beat of the one R channel, asserted below), its fields
assign w_ng    = s_ng[w_slot];
assign w_fault = p_fault[w_slot*3 +: 3];
assign w_fetch = p_fetch[w_slot*OAS_BITS +: OAS_BITS];
assign w_pa    = p_pa[w_slot*(OAS_BITS-12) +: OAS_BITS-12];
assign w_size  = p_size[w_slot*2 +: 2];
assign w_perm  = p_perm[w_slot*5 +: 5];
assign w_ax    = p_ax[w_slot*6 +: 6];

smmu_walk_slots #(.NW(NW), .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS), .SLOT_W(SLOT_W)) slots_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen),
    .q_sid(q_sid_reg), .q_ssid(q_ssid_reg), .q_ssv(q_ssv_reg), .q_va(q_va_reg[63:12]), .resp_cd(resp_cd),
    .start(start_walk), .start_sglob(q_tcov[1]), .byp_ans(resp_valid && ans_kind == ANS_BYPASS),
    .merge_hit(merge_hit), .merge_idx(merge_idx), .free_hit(free_hit), .free_idx(free_idx),
    .n_idle(n_idle), .sync_block(sync_block), .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op),
    .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va), .tlbi_leaf(tlbi_leaf),
    .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .s_idle(s_idle), .s_avail(s_avail), .s_ng(s_ng), .p_done(p_done), .td_valid(td_valid),
    .w_done(w_done), .w_slot(w_slot), .w_stale(w_stale), .w_fault(w_fault), .w_pa(w_pa),
    .w_size(w_size), .w_perm(w_perm), .w_ng(w_ng), .w_ax(w_ax), .wc_fill(wc_fill), .tf_idx(tf_idx),
    .wc_sid(wc_sid), .wc_ssv(wc_ssv), .wc_ssid(wc_ssid), .wc_asid(wc_asid), .wc_va(wc_va),
    .fill_valid(fill_valid), .fill_byp(fill_byp), .fill_sid(fill_sid), .fill_ssid(fill_ssid),
    .fill_ssv(fill_ssv), .fill_va(fill_va), .fill_tbi(fill_tbi), .fill_size(fill_size),
    .fill_asid(fill_asid), .fill_ng(fill_ng), .fill_pa(fill_pa), .fill_perm(fill_perm),
    .fill_pan(fill_pan), .fill_ax(fill_ax)
);

// the walkers' memory attributes, and the counters
always @(posedge clk) begin
    if (rst) begin
        cnt_walks  <= 32'd0;
        cnt_merges <= 32'd0;
        for (integer k = 0; k < NW; k = k + 1) begin
            s_mair[k] <= 64'd0;
            s_wattr[k] <= 6'd0;
        end
    end else begin
        if (start_walk) begin
            `SMMU_COUNT(cnt_walks, 1'b1);
            s_mair[free_idx]   <= resp_cd[CD_MAIR_LSB +: 64];
            s_wattr[free_idx]  <= resp_cd[CD_WATTR_LSB +: 6];
        end
        if (resp_valid && ans_kind == ANS_WALK && merge_hit)
            `SMMU_COUNT(cnt_merges, 1'b1);
    end
end

// ---------------------------------------------------------- simulation check
`ifndef SYNTHESIS
`ifndef FORMAL   // (yosys' formal front-end has no $fatal; the formal block asserts the same)
reg dbg_rst_seen;   // random initial state (Verilator x-initial) is not checked
initial dbg_rst_seen = 1'b0;
always @(posedge clk) if (rst) dbg_rst_seen <= 1'b1;
always @(posedge clk)
    if (!rst && dbg_rst_seen && (p_done & (p_done - 1'b1)) != {NW{1'b0}})
        $fatal(1, "smmu_walk: two walks ended in one cycle (done %b): one result message a cycle", p_done);
`endif
`endif

// ---------------------------------------------------------- formal (yosys-sby only)
// (what an invalidation does to a walk in flight: smmu_walk_slots)
`ifdef FORMAL
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen && !rst) begin
    assert((p_done & (p_done - 1'b1)) == {NW{1'b0}});                // one result message a cycle
    // an answer that needs a new walk always finds a free walker (lookups wait for one)
    assert(!(resp_valid && resp_kind == KIND_S1 && resp_cacheable && !ans_inv && !range_fault &&
             !merge_hit && !free_hit));
    for (integer k = 0; k < NW; k = k + 1)
        if (rd_valid[k]) assert(!s_idle[k] || (start_walk && free_idx == k));  // (first read: start cycle)
end
// A slot's hold rises only while it is busy or held already: an idle slot no transaction
// waits for stays free until a walk starts in it (that is what keeps the assertion above, a
// lookup asked while a walker was free still finds one). Asserted where the TBUs drive the
// hold (smmu_top); assumed by the block harness, whose hold is a free input (SMMU_FORMAL_FREE_HOLD).
reg [NW-1:0] f_idle_q = {NW{1'b0}}, f_held_q = {NW{1'b0}};
always @(posedge clk) begin
    f_idle_q <= s_idle;
    f_held_q <= s_held;
end
always @* if (f_rst_seen && !rst)
    for (integer k = 0; k < NW; k = k + 1)
        if (f_idle_q[k] && !f_held_q[k] && s_idle[k])
`ifdef SMMU_FORMAL_FREE_HOLD
            assume(!s_held[k]);
`else
            assert(!s_held[k]);
`endif
// block harness covers (formal/f_blocks.v f_walk; the whole-design harnesses have no TLBI source)
`ifdef SMMU_FORMAL_WALK
always @(posedge clk) if (f_rst_seen && !rst) begin
    cover(resp_valid && ans_kind == ANS_WALK && merge_hit);          // a lookup joins a walk in flight
    cover(resp_valid && start_walk && wc_hit);                       // a walk starts below a cached level
end
`endif
`endif

endmodule

`resetall
