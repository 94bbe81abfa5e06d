`resetall
`timescale 1ns / 1ps
`default_nettype none

// Translation queue of one direction (AR or AW): the s_axi address stage
// with the TLB lookup, and the table of pending transactions.
//
// Handshake cycle: the TLB is looked up (combinationally, by the caller's
// smmu_tlb port) and the decision is registered with the transaction:
//   SMMUEN=0          bypass / abort from GBPA (smmu_decide)
//   TLB hit, allowed  translated, output address from the entry
//   anything else     slow path: configuration lookup, walk, fault
// Cycle after: a decided transaction whose ID has nothing pending goes
// straight to the output buffer (smmu_xlt_out, two entries, whose head is the
// offer to the path: a micro-TLB hit reaches m_axi 2 cycles after its s_axi
// handshake); otherwise it enters the pending table (PEND entries). The table
// and the stage offer only transactions that may issue as the path's
// registered per-ID state stands, so nothing in the buffer waits long.
//
// Pending entry states: NEW (needs the configuration lookup), CFG (lookup
// asked), WALK (waiting for walk slot `slot`), EVT (fault record to write),
// READY (outcome known), STALL (stalled, waiting for software). An entry leaves only when no older entry of its ID
// is pending (`older` mask), so same-ID order holds while other IDs pass
// (hit-under-miss). IN_ORDER=1 treats every transaction as one ID.
//
// Writes (PARK=1): W data has no ID and arrives in s_axi AW order, so a write
// may only overtake older pending writes whose W data is "parked": the
// oldest unparked pending write of at most WB_BEATS beats asks the write
// path for a park slot (pk_*); its W beats are then captured in that slot and
// younger writes pass it. A longer write is never parked and holds younger
// writes while it is pending. Writes are parked oldest first, so every parked
// pending write is older than every unparked one: the unparked writes are the
// youngest, in s_axi order, and a FIFO of their entry indexes names the oldest
// (a write may leave when it is parked or that oldest one).
//
// Stall (CD.S=1 and a stallable fault): the record carries Stall=1 and the
// STAG the stall-tag unit (smmu_stallq) hands out when the event queue takes
// the record (e_stall); it is offered only while a tag is free, SMMUEN=1 and
// the event queue can write it (a stall record waits, it is never dropped),
// and other records of this queue may pass it meanwhile. Taken, the entry is
// STALL until the stall unit's action mask names it. At most SCAP entries
// are STALL, so a full stall queue never fills the table: further stallable
// faults wait in EVT and transactions of other IDs keep entries to use: retry (back to NEW: the
// configuration lookup and walk are made again), abort or RAZ/WI. SMMUEN=0
// aborts STALL entries and faults still waiting to stall (no record).
//
// Invalidation (TLBI/CFGI): a decision not yet used that the invalidation
// covers (smmu_inv.vh: by StreamID for CFGI; by ASID, nG, page or block size
// and VA for TLBI, as the TLB's own entries) goes back to NEW, and so does a
// fault waiting for its record when its StreamID, ASID or VA region is named;
// an entry waiting for a walk learns at the walk's end whether the walk was
// covered (smmu_walk w_stale). The stage entry loses its TLB decision on any
// invalidation. So nothing looked up before an invalidation is used after it,
// while work the invalidation cannot cover runs on; the one exception is a
// transaction already in the output buffer (its head may be presented on
// m_axi, and AXI forbids withdrawing it), which holds CMD_SYNC (sync_block)
// until it is taken, and is counted stale downstream (o_stale).
module smmu_xlt_q #(
    parameter ID_W     = 4,
    parameter OAS_BITS = 48,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter ATTR_W   = 17,   // {size, burst, lock, cache, prot, qos}
    parameter PEND     = 8,
    parameter SLOT_W   = 1,
    parameter IN_ORDER = 0,
    parameter RNW      = 1,    // 1: reads, 0: writes
    parameter PIDX_W   = 3,    // log2(PEND)
    parameter PARK     = 0,    // 1: writes whose W data can be parked (see below)
    parameter WB_BEATS = 16,   // a write of at most WB_BEATS beats can be parked
    parameter PSLOT_W  = 1,    // park slot index bits
    parameter SCAP     = 4     // most STALL entries (the rest stay for other work)
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  smmuen,
    input  wire                  gbpa_abort,
    input  wire [14:0]           g_ovr,      // GBPA overrides (smmu_attr.vh OVR layout)

    // s_axi address channel
    input  wire [ID_W-1:0]       s_id,
    input  wire [63:0]           s_addr,
    input  wire [7:0]            s_len,
    input  wire [ATTR_W-1:0]     s_attr,
    input  wire [SID_W-1:0]      s_sid,
    input  wire [SSID_W-1:0]     s_ssid,
    input  wire                  s_ssv,
    input  wire                  s_valid,
    output wire                  s_ready,

    // TLB lookup of the s_axi request (combinational)
    input  wire                  lk_hit,
    input  wire                  lk_byp,
    input  wire [OAS_BITS-1:0]   lk_pa,
    input  wire [4:0]            lk_perm,
    input  wire                  lk_pan,
    input  wire [15:0]           lk_asid,
    input  wire                  lk_ng,
    input  wire [1:0]            lk_size,
    input  wire [21:0]           lk_ax,      // attribute transform of the hit entry

    // main-TLB probe (smmu_mtlb) of the transaction entering the address stage,
    // answered the cycle after (mt_*): a hit decides a micro-TLB miss
    output wire                  pr_valid,
    output wire [SID_W-1:0]      pr_sid,
    output wire [SSID_W-1:0]     pr_ssid,
    output wire                  pr_ssv,
    output wire [63:12]          pr_va,
    input  wire                  pr_grant,   // the probe is made this cycle (the port is shared)
    input  wire                  mt_hit,
    input  wire [OAS_BITS-1:12]  mt_pa,
    input  wire [1:0]            mt_size,
    input  wire                  mt_ng,
    input  wire [4:0]            mt_perm,
    input  wire                  mt_pan,
    input  wire [15:0]           mt_asid,
    input  wire [21:0]           mt_ax,
    input  wire                  mt_tbi,
    // ... a main-TLB hit used: the entry, for the micro-TLB (smmu_tbu fills it)
    output wire                  mf_valid,
    output wire [SID_W-1:0]      mf_sid,
    output wire [SSID_W-1:0]     mf_ssid,
    output wire                  mf_ssv,
    output wire [63:12]          mf_va,
    output wire                  mf_tbi,
    output wire [1:0]            mf_size,
    output wire [15:0]           mf_asid,
    output wire                  mf_ng,
    output wire [OAS_BITS-1:12]  mf_pa,
    output wire [4:0]            mf_perm,
    output wire                  mf_pan,
    output wire [21:0]           mf_ax,

    // decided transactions to the path (m_axi or the local responder)
    output wire                  o_valid,
    output wire [ID_W-1:0]       o_id,
    output wire [OAS_BITS-1:0]   o_addr,
    output wire [7:0]            o_len,
    output wire [ATTR_W-1:0]     o_attr,     // AxCACHE/AxPROT: the output attributes
    output wire [1:0]            o_dom,      // output shareability domain (ACE5-Lite)
    output wire                  o_down,
    output wire                  o_raz,
    input  wire                  o_take,   // taken this cycle
    output wire                  o_stale,  // decided before an invalidation (smmu_xlt_out)
    output wire                  o_park,   // the offered write's W data is parked
    output wire [PSLOT_W-1:0]    o_pslot,
    // the path's per-ID state, for the may-issue check of the output choice
    input  wire [(1<<ID_W)-1:0]  pi_idle,  // nothing of this ID outstanding downstream
    input  wire                  pi_lbusy, // the local responder is busy ...
    input  wire [ID_W-1:0]       pi_lid,   // ... with this ID

    // park request (PARK=1): the oldest unparked pending write
    output wire                  pk_valid,
    output wire [7:0]            pk_len,
    input  wire                  pk_ready,
    input  wire [PSLOT_W-1:0]    pk_slot,

    // configuration lookup
    output wire                  c_req_valid,
    output wire [PIDX_W-1:0]     c_req_idx,
    output wire [SID_W-1:0]      c_sid,
    output wire [SSID_W-1:0]     c_ssid,
    output wire                  c_ssv,
    output wire [63:0]           c_addr,
    output wire                  c_pnu,
    output wire                  c_ind,
    input  wire                  c_req_ready,
    input  wire                  c_cancel,     // (link register stage) the request of entry
    input  wire [PIDX_W-1:0]     c_cancel_idx, // c_cancel_idx was withdrawn (SMMUEN=0): NEW again
    input  wire                  c_resp_valid,
    input  wire [PIDX_W-1:0]     c_resp_idx,
    input  wire [2:0]            ans_kind,
    input  wire [SLOT_W-1:0]     ans_slot,
    input  wire [3:0]            ans_cdf,   // {PAN, S, R, A} of the CD
    input  wire [15:0]           ans_asid,  // the CD's ASID
    input  wire                  ans_rec,   // ABORT with a configuration record (sequence ans_rseq)
    input  wire [2:0]            ans_rseq,
    input  wire                  rec_pop,   // the configuration record rec_pop_seq went to the event queue
    input  wire [2:0]            rec_pop_seq,
    input  wire [14:0]           ans_ovr,   // the STE's attribute overrides

    // walk results
    input  wire                  w_done,    // walk slot w_slot ended (one result a cycle)
    input  wire [SLOT_W-1:0]     w_slot,
    input  wire [2:0]            w_fault,
    input  wire [OAS_BITS-1:0]   w_fetch,
    input  wire [OAS_BITS-13:0]  w_pa,
    input  wire [1:0]            w_size,
    input  wire [4:0]            w_perm,
    input  wire                  w_stale,   // an invalidation covered the walk: retry
    input  wire                  w_ng,
    input  wire [5:0]            w_ax,

    // TLBI / CFGI this cycle: decisions they cover are made again (smmu_inv.vh)
    input  wire                  tlbi_valid,
    input  wire [7:0]            tlbi_op,
    input  wire [15:0]           tlbi_asid,
    input  wire [63:12]          tlbi_va,
    input  wire                  tlbi_leaf,
    input  wire                  cfgi_valid,
    input  wire [31:0]           cfgi_sid,
    input  wire [31:0]           cfgi_mask,

    // translation fault records
    output wire                  e_valid,
    output wire [255:0]          e_data,
    output wire                  e_stall,      // the offered record is a stall record
    input  wire                  e_ready,
    input  wire                  e_stall_ok,   // the event queue can write a record now

    // stall tags (smmu_stallq)
    input  wire                  st_avail,
    input  wire [15:0]           st_tag,
    output wire                  st_alloc,     // a stall record was taken: entry st_alloc_idx stalls
    output wire [PIDX_W-1:0]     st_alloc_idx,
    output wire [SID_W-1:0]      st_alloc_sid,
    input  wire                  st_held,      // the TCU allocated the tag of entry st_held_idx's
    input  wire [PIDX_W-1:0]     st_held_idx,  // stall record (LINK_REG=1: the cycle after, see smmu_tbu)
    input  wire                  act_res,      // a RESUME acts on stalled entry act_idx
    input  wire [PIDX_W-1:0]     act_idx,
    input  wire                  act_term,     // a STALL_TERM acts on every stalled entry of act_sid
    input  wire [SID_W-1:0]      act_sid,
    input  wire [1:0]            act_kind,     // 0 retry, 1 abort, 2 RAZ/WI

    output wire                  sync_block,
    output wire [(1<<SLOT_W)-1:0] w_hold,      // walk slots whose result an entry may still read (registered)
    output reg  [PIDX_W:0]       n_cfg_wait,   // entries waiting for a configuration answer (checks)
    output wire [31:0]           cnt_lookups,   // (smmu_xlt_stage)
    output wire [31:0]           cnt_hits,
    output wire [31:0]           cnt_mt_lookups,   // micro-TLB misses entering the table
    output wire [31:0]           cnt_mt_hits       // ... decided by the main TLB (smmu_xlt_stage)
);

`include "smmu_cd.vh"

wire inv = tlbi_valid || cfgi_valid;   // any invalidation (the stage and a held offer)
`include "smmu_attr.vh"

`include "smmu_xlt.vh"   // P_*, ANS_*

// ================================================================ stage
// the address stage (smmu_xlt_stage): the handshake cycle's decision, the main-TLB probe and
// both TLBs' permission checks
wire                 out_v, st_wait, st_leave;
wire                 st_ft, st_fg, st_down, st_raz, st_ssv;
wire [OAS_BITS-1:0]  st_pa;
wire [ID_W-1:0]      st_id;
wire [63:0]          st_addr;
wire [7:0]           st_len;
wire [ATTR_W-1:0]    st_attr;
wire [SID_W-1:0]     st_sid;
wire [SSID_W-1:0]    st_ssid;
wire [AX_W-1:0]      st_ax;
wire [15:0]          st_asid;
wire                 st_ng, st_xl;
wire [1:0]           st_size;
wire                 st_push, mt_use;
smmu_xlt_stage #(.ID_W(ID_W), .OAS_BITS(OAS_BITS), .SID_W(SID_W), .SSID_W(SSID_W), .ATTR_W(ATTR_W),
                 .RNW(RNW)) stage_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen), .gbpa_abort(gbpa_abort), .g_ovr(g_ovr), .inv(inv),
    .s_id(s_id), .s_addr(s_addr), .s_len(s_len), .s_attr(s_attr), .s_sid(s_sid), .s_ssid(s_ssid),
    .s_ssv(s_ssv), .s_valid(s_valid), .s_ready(s_ready),
    .lk_hit(lk_hit), .lk_byp(lk_byp), .lk_perm(lk_perm), .lk_pan(lk_pan), .lk_pa(lk_pa), .lk_asid(lk_asid),
    .lk_ng(lk_ng), .lk_size(lk_size), .lk_ax(lk_ax),
    .pr_valid(pr_valid), .pr_sid(pr_sid), .pr_ssid(pr_ssid), .pr_ssv(pr_ssv), .pr_va(pr_va),
    .pr_grant(pr_grant), .mt_hit(mt_hit), .mt_pa(mt_pa), .mt_size(mt_size), .mt_ng(mt_ng),
    .mt_perm(mt_perm), .mt_pan(mt_pan), .mt_asid(mt_asid), .mt_ax(mt_ax), .mt_tbi(mt_tbi),
    .out_v(out_v), .st_wait(st_wait), .st_leave(st_leave),
    .st_ft(st_ft), .st_fg(st_fg), .st_down(st_down), .st_raz(st_raz), .st_pa(st_pa), .st_id(st_id),
    .st_addr(st_addr), .st_len(st_len), .st_attr(st_attr), .st_sid(st_sid), .st_ssid(st_ssid),
    .st_ssv(st_ssv), .st_ax(st_ax), .st_asid(st_asid), .st_ng(st_ng), .st_size(st_size), .st_xl(st_xl),
    .push(st_push), .mt_use(mt_use), .mf_sid(mf_sid), .mf_ssid(mf_ssid),
    .mf_ssv(mf_ssv), .mf_va(mf_va), .mf_tbi(mf_tbi), .mf_size(mf_size), .mf_asid(mf_asid),
    .mf_ng(mf_ng), .mf_pa(mf_pa), .mf_perm(mf_perm), .mf_pan(mf_pan), .mf_ax(mf_ax),
    .cnt_lookups(cnt_lookups), .cnt_hits(cnt_hits), .cnt_mt_lookups(cnt_mt_lookups),
    .cnt_mt_hits(cnt_mt_hits)
);

// ================================================================ table
// Per entry (smmu_xlt_ent, one instance per entry: the state machine and the fields every
// scan reads), gathered into vectors: entry i's field f is p_f[i] (one bit) or
// p_f[i*W +: W]
// The invalidation scope compares partial tags, VA[PVA_HI:12] and ASID[PASID_W-1:0]
// (smmu_xlt_ent; docs/architecture.md "Invalidation of pending decisions")
localparam PVA_HI  = 23;
localparam PASID_W = 8;
wire [PEND-1:0]        p_v, p_old0, p_lvdec, p_down, p_raz, p_pva, p_commit, p_park, p_stl;
wire [PEND-1:0]        p_csel, p_wsel, p_wb, p_rwait;
wire [3*PEND-1:0]      p_state, p_fc;
wire [(PIDX_W+1)*PEND-1:0] p_nold;     // older pending entries of its ID (see below)
wire [ID_W*PEND-1:0]   p_id;
wire [SID_W*PEND-1:0]  p_sid;
wire [SLOT_W*PEND-1:0] p_slot;
wire [2*PEND-1:0]      p_size;
wire [4*PEND-1:0]      p_pio;
wire unused_ent = &{1'b0, p_lvdec, p_commit, p_nold};   // (read by the formal invariants below)
// the entries' states, decoded once: s_x[i] = entry i is valid and in state P_X
reg  [PEND-1:0]        s_new, s_cfg, s_walk, s_evt, s_rdy, s_stall;
always @* begin
    for (integer i = 0; i < PEND; i = i + 1) begin
        s_new[i]   = p_v[i] && p_state[i*3 +: 3] == P_NEW;
        s_cfg[i]   = p_v[i] && p_state[i*3 +: 3] == P_CFG;
        s_walk[i]  = p_v[i] && p_state[i*3 +: 3] == P_WALK;
        s_evt[i]   = p_v[i] && p_state[i*3 +: 3] == P_EVT;
        s_rdy[i]   = p_v[i] && p_state[i*3 +: 3] == P_READY;
        s_stall[i] = p_v[i] && p_state[i*3 +: 3] == P_STALL;
    end
end
// The entries' payloads (smmu_xlt_mem, LUT RAMs read at one index per port): the transaction
// {addr, attr, sid, ssid, ssv} and length, the output address's base and the attribute
// transform from their sources, the park slot; and the walk results per walk slot until
// copied. The fields the scans use in every entry at once are flip-flop copies in the
// entries (smmu_xlt_ent): part of the VA page and the ASID (invalidation scope), StreamID
// (CFGI scope), the client's PnU / InD and the last configuration answer's PRIVCFG / INSTCFG
// (the walk's permission check), whether the address is beyond the OAS (a GBPA bypass aborts
// it).
localparam PL_W = 64 + ATTR_W + SID_W + SSID_W + 1;
wire [PL_W-1:0]      sel_pl, cq_pl, ev_pl;
wire [7:0]           t_len, hd_len;
wire [AX_W-1:0]      t_ax;
wire [OAS_BITS-1:12] t_wbase, t_hbase, sb_cv;
wire [PSLOT_W-1:0]   t_pslot;
wire [AX_S1-1:0]     sb_cvax;
wire [OAS_BITS-1:3]  ev_wpa;
wire                 cp_any;
wire [PIDX_W-1:0]    cp_idx;

wire unused_asid = &{1'b0, ans_asid[15:PASID_W], st_asid[15:PASID_W]};   // (beyond the partial tag: smmu_xlt_ent)

// entries with the same ID as the stage transaction, free entry
reg [PEND-1:0]    same_st;
reg               free_any;
reg [PIDX_W-1:0]  free_idx;
always @* begin
    same_st  = {PEND{1'b0}};
    free_any = 1'b0;
    free_idx = {PIDX_W{1'b0}};
    for (integer i = 0; i < PEND; i = i + 1) begin
        same_st[i]  = p_v[i] && (IN_ORDER != 0 || p_id[i*ID_W +: ID_W] == st_id);
        if (!free_any && !p_v[i]) begin
            free_any = 1'b1;
            free_idx = i[PIDX_W-1:0];
        end
    end
end

// Same-ID order: entry e's p_nold counts the pending entries of e's ID that entered before it; e may
// leave (or ask for its configuration first) only when none is left. An entry leaves only
// when its count is 0, so entries of one ID leave in the order they entered, and the one
// leaving is older than every other entry of its ID: each of them counted it. The count
// taken when an entry enters is the entries of its ID then pending (same_st), the one
// leaving that cycle included; a departure is subtracted the cycle after (lv_*: the
// departure registered) from every entry of that ID then valid, the one that entered in the
// departure's cycle included, and the cycle's check subtracts it already (old_zero). So
// no departure's choice (the output pick) lies on the path into the counts.
wire [PIDX_W:0]   n_same_st;
smmu_popcnt #(.N(PEND), .W(PIDX_W + 1)) same_cnt_inst (.v(same_st), .n(n_same_st));
reg               lv_v;           // an entry left last cycle ...
reg  [ID_W-1:0]   lv_id;          // ... with this ID

// The unparked pending writes in s_axi order (PARK=1): entries enter at the tail when they
// enter the table and leave from the head only, when the head is parked or leaves the table
// (no other unparked write may leave: see above). The head is the oldest unparked write.
wire              uf_valid;   // an unparked write is pending ...
wire [PIDX_W-1:0] uf_head;    // ... and this is the oldest
wire              uf_pop;
wire [PIDX_W:0]   uf_count;
wire              uf_room;    // (never full: one index per entry)
smmu_fifo #(.WIDTH(PIDX_W), .DEPTH_LOG2(PIDX_W)) unparked_inst (
    .clk(clk), .rst(rst),
    .s_data(free_idx), .s_valid(PARK != 0 && st_push), .s_ready(uf_room),
    .m_data(uf_head), .m_valid(uf_valid), .m_ready(uf_pop),
    .count(uf_count)
);
wire unused_uf = &{1'b0, uf_count, uf_room};


// ---------------------------------------------------------------- output choice
// The choice of a READY entry, the conversion stage and the output buffer (smmu_xlt_conv).
// rdy: may leave the table (nothing older of its ID pending; a write only if parked or the
// oldest unparked one). The chosen entry's fields are read here at sel_idx: the payload, the
// attribute transform from its sources (a walk's bits not copied yet: read in the stage from
// the walk slot) and the output address as stored (the VA with pva, the page or block base of
// the walk, wsel, in p_wpa or until it is copied (wb) in the walk slot's sb_pa, else the one
// of the entry's TLB hit), joined in the conversion (join_pa).
wire st_fast = st_ft || st_fg;
reg  [PEND-1:0]     rdy;
always @* begin
    for (integer i = 0; i < PEND; i = i + 1)
        rdy[i] = s_rdy[i] && p_old0[i] && !p_rwait[i] &&
                 (PARK == 0 || p_park[i] || (uf_valid && uf_head == i[PIDX_W-1:0]));
end
wire                tbl_out, st_direct, st_out, cv_v, cv_wb, ob_wr_wait;
wire [PIDX_W-1:0]   sel_idx;
wire [ID_W-1:0]     c_id;          // (the choice's ID, for the same-ID count)
wire [SLOT_W-1:0]   cv_slot;
wire [63:0]         o_paddr;
wire [ATTR_W-1:0]   o_pattr;
wire [SID_W+SSID_W:0] o_unused;   // (fields this read port does not use)
assign {o_paddr, o_pattr, o_unused} = sel_pl;
smmu_xlt_conv #(.ID_W(ID_W), .OAS_BITS(OAS_BITS), .ATTR_W(ATTR_W), .SLOT_W(SLOT_W), .PSLOT_W(PSLOT_W),
                .PEND(PEND), .PIDX_W(PIDX_W), .PARK(PARK), .RNW(RNW)) conv_inst (
    .clk(clk), .rst(rst), .inv(inv),
    .rdy(rdy), .ent_id(p_id), .ent_down(p_down), .sel_idx(sel_idx), .sel_id(c_id),
    .tbl_out(tbl_out),
    .t_pva(p_pva[sel_idx]), .t_wsel(p_wsel[sel_idx]), .t_wb(p_wb[sel_idx]),
    .t_slot(p_slot[sel_idx*SLOT_W +: SLOT_W]), .t_wbase(t_wbase), .t_hbase(t_hbase),
    .t_size(p_size[sel_idx*2 +: 2]), .t_va(o_paddr[OAS_BITS-1:0]), .t_len(t_len), .t_attr(o_pattr),
    .t_ax(t_ax), .t_down(p_down[sel_idx]), .t_raz(p_raz[sel_idx]), .t_park(p_park[sel_idx]),
    .t_pslot(t_pslot),
    .cv_v(cv_v), .cv_wb(cv_wb), .cv_slot(cv_slot), .sb_base(sb_cv), .sb_ax(sb_cvax),
    .st_ok(out_v && st_fast && (same_st == {PEND{1'b0}}) && (PARK == 0 || !uf_valid)),
    .st_id(st_id), .st_pa(st_pa), .st_len(st_len), .st_attr(st_attr), .st_ax(st_ax),
    .st_down(st_down), .st_raz(st_raz), .st_direct(st_direct), .st_out(st_out),
    .o_valid(o_valid), .o_id(o_id), .o_addr(o_addr), .o_len(o_len), .o_attr(o_attr), .o_dom(o_dom),
    .o_down(o_down), .o_raz(o_raz), .o_take(o_take), .o_stale(o_stale), .o_park(o_park),
    .o_pslot(o_pslot), .pi_idle(pi_idle), .pi_lbusy(pi_lbusy), .pi_lid(pi_lid),
    .wr_wait(ob_wr_wait), .sync_block(sync_block)
);

// ---------------------------------------------------------------- parking (PARK=1)
// The oldest unparked pending write (the FIFO's head), not about to be offered, short
// enough. Not while an unparked write waits in the conversion stage or the output buffer: its
// W route is pushed at the buffer's head, and a park route pushed before it would take its W data.
wire              pc_any = PARK != 0 && uf_valid && !rdy[uf_head] && {1'b0, hd_len} < 9'(WB_BEATS);
wire [PIDX_W-1:0] pc_idx = uf_head;
assign pk_valid = pc_any && !ob_wr_wait;
wire   park_take = pk_valid && pk_ready;
assign pk_len   = hd_len;

assign st_push = out_v && !st_direct && free_any && !st_wait;
// the oldest unparked write leaves the FIFO: parked, or chosen for the output
assign uf_pop = (pk_valid && pk_ready) || (tbl_out && uf_valid && sel_idx == uf_head);
assign mf_valid = mt_use;   // (a main-TLB hit decides the transaction entering the table)
assign st_leave = st_out || st_push;


// ---------------------------------------------------------------- configuration requests
// prefer an entry that is the oldest of its ID. The request is chosen a cycle
// ahead from the entries then NEW and registered (cq_*), so neither the scan
// nor the engine's ready is on one path with the other: it is valid while its
// entry still needs the lookup (the cycle after a request is taken, the
// registered choice may be that entry again, now CFG: no request that cycle,
// while the engine is busy with the one taken anyway). With no entry NEW, the
// transaction entering the table is the choice, so a miss asks in its first NEW cycle.
reg               cq_v_reg;
reg  [PIDX_W-1:0] cq_idx_reg;
wire              cq_ok = cq_v_reg && s_new[cq_idx_reg];
// SMMUEN=0: the registered NEW choice takes the GBPA decision (one entry a cycle: it writes
// p_cax, whose port a configuration answer has first)
wire              gb_go = cq_ok && !smmuen && !c_resp_valid;
// a configuration answer its entry takes (the state machine's P_CFG case)
wire              cr_ok = s_cfg[c_resp_idx] &&
                          !(c_cancel && c_cancel_idx == c_resp_idx);
wire              nq_any;
wire [PIDX_W-1:0] nq_idx;
wire [PEND-1:0]   nq_first = s_new & p_old0;
// the lowest-numbered oldest-of-its-ID NEW entry, else the lowest-numbered NEW entry
smmu_rr_first #(.N(PEND), .IDX_W(PIDX_W)) nq_pick_inst (
    .req(|nq_first ? nq_first : s_new), .from({PIDX_W{1'b0}}), .any(nq_any), .idx(nq_idx)
);

assign c_req_valid = cq_ok && smmuen;
assign c_req_idx   = cq_idx_reg;
wire [ATTR_W-1:0] c_attr;
assign {c_addr, c_attr, c_sid, c_ssid, c_ssv} = cq_pl;
assign c_pnu       = c_attr[4];
assign c_ind       = c_attr[6];

// ---------------------------------------------------------------- fault records
// entries waiting for a configuration answer: at most one over both queues, and only while
// the configuration engine holds its request (smmu_top checks)
always @* begin
    n_cfg_wait = {(PIDX_W+1){1'b0}};
    for (integer i = 0; i < PEND; i = i + 1)
        if (s_cfg[i])
            n_cfg_wait = n_cfg_wait + 1'b1;
end
// the records, the stall count and the stall unit's actions (smmu_xlt_rec); the record's
// fields are read here at the offered entry (ev_idx)
wire [PIDX_W-1:0]  ev_idx;
wire               ev_take;
wire [PEND-1:0]    act_mask;
wire [63:0]        e_addr;
wire [ATTR_W-1:0]  e_attr;
wire [SID_W-1:0]   e_sid;
wire [SSID_W-1:0]  e_ssid;
wire               e_ssv;
assign {e_addr, e_attr, e_sid, e_ssid, e_ssv} = ev_pl;
wire [2:0]          ev_fc  = p_fc[ev_idx*3 +: 3];
wire [3:0]          ev_pio = p_pio[ev_idx*4 +: 4];
wire                ev_pnu, ev_ind, unused_ev_perm;
smmu_perm #(.RNW(RNW)) ev_perm_inst (
    .perm(5'd0), .pan(1'b0), .pio(ev_pio), .pnu(e_attr[4]), .ind(e_attr[6]),
    .eff_pnu(ev_pnu), .eff_ind(ev_ind), .ok(unused_ev_perm)
);
smmu_xlt_rec #(.OAS_BITS(OAS_BITS), .SID_W(SID_W), .SSID_W(SSID_W), .PEND(PEND), .PIDX_W(PIDX_W),
               .RNW(RNW), .SCAP(SCAP)) rec_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen),
    .evt_v(s_evt), .evt_stl(p_stl), .stall_v(s_stall), .ent_sid(p_sid),
    .push(st_push), .push_idx(free_idx),
    .ev_idx(ev_idx), .ev_take(ev_take), .rd_fc(ev_fc), .rd_addr(e_addr), .rd_sid(e_sid),
    .rd_ssid(e_ssid), .rd_ssv(e_ssv), .rd_pnu(ev_pnu), .rd_ind(ev_ind), .rd_fetch(ev_wpa),
    .e_valid(e_valid), .e_data(e_data), .e_stall(e_stall), .e_ready(e_ready), .e_stall_ok(e_stall_ok),
    .st_avail(st_avail), .st_tag(st_tag), .st_alloc(st_alloc), .st_alloc_idx(st_alloc_idx),
    .st_alloc_sid(st_alloc_sid), .st_held(st_held), .st_held_idx(st_held_idx),
    .act_res(act_res), .act_idx(act_idx), .act_term(act_term), .act_sid(act_sid), .act_mask(act_mask)
);
wire unused_pl = &{1'b0, o_unused, o_paddr[63:OAS_BITS], c_attr[ATTR_W-1:7], c_attr[5], c_attr[3:0], e_attr[ATTR_W-1:7],
                   e_attr[5], e_attr[3:0]};

// ---------------------------------------------------------------- state update
// a walk's result for p_pa of every entry waiting for it: the FetchAddr of a fault
// (F_WALK_EABT's record), else the output address's base (joined at the output)
wire [OAS_BITS-1:3] w_res = (w_fault != 3'd0) ? w_fetch[OAS_BITS-1:3] : {w_pa, 9'd0};
wire                unused_fetch_lo = &{1'b0, w_fetch[2:0]};   // descriptors are 8-byte aligned

// the payload memories (no reset: read only for valid entries, the park slot only for a
// parked one); the copy port of the walk results; the walk slots held (w_hold). A
// configuration answer's {OVR, S1} has the cax port first, else the GBPA decision of a NEW
// entry (SMMUEN=0)
smmu_xlt_mem #(.OAS_BITS(OAS_BITS), .PL_W(PL_W), .PEND(PEND), .PIDX_W(PIDX_W), .SLOT_W(SLOT_W),
               .PSLOT_W(PSLOT_W)) mem_inst (
    .clk(clk), .rst(rst),
    .push(st_push), .push_idx(free_idx), .push_pl({st_addr, st_attr, st_sid, st_ssid, st_ssv}),
    .push_len(st_len), .push_hpa(mt_use ? mf_pa : st_pa[OAS_BITS-1:12]), .push_hax(mt_use ? mf_ax : st_ax),
    .pk_take(park_take), .pk_idx(pc_idx), .pk_slot(pk_slot),
    .cax_we((c_resp_valid && cr_ok) || gb_go), .cax_idx((c_resp_valid && cr_ok) ? c_resp_idx : cq_idx_reg),
    .cax_d((c_resp_valid && cr_ok) ? {ans_ovr, ans_kind != ANS_BYPASS} : {g_ovr, 1'b0}),
    .w_done(w_done), .w_slot(w_slot), .w_res(w_res), .w_ax(w_ax),
    .ent_wb(p_wb), .ent_slot(p_slot), .ent_walk(s_walk),
    .ans_walk(c_resp_valid && ans_kind == ANS_WALK), .ans_slot(ans_slot),
    .cp_any(cp_any), .cp_idx(cp_idx), .w_hold(w_hold),
    .sel_idx(sel_idx), .sel_csel(p_csel[sel_idx]), .sel_wsel(p_wsel[sel_idx]), .sel_pl(sel_pl),
    .sel_len(t_len), .sel_ax(t_ax), .sel_wbase(t_wbase), .sel_hbase(t_hbase), .sel_pslot(t_pslot),
    .cv_wb(cv_wb), .cv_v(cv_v), .cv_slot(cv_slot), .cv_base(sb_cv), .cv_ax(sb_cvax),
    .cq_idx(cq_idx_reg), .cq_pl(cq_pl), .ev_idx(ev_idx), .ev_pl(ev_pl), .ev_wpa(ev_wpa),
    .hd_idx(uf_head), .hd_len(hd_len)
);

always @(posedge clk) begin
    if (rst) begin
        lv_v           <= 1'b0;
        lv_id          <= {ID_W{1'b0}};
        cq_v_reg       <= 1'b0;
        cq_idx_reg     <= {PIDX_W{1'b0}};
    end else begin
        // no entry NEW now: the one entering the table is the next choice (a miss asks the
        // TCU the cycle it is NEW instead of a cycle later; one entering READY asks nothing,
        // cq_ok checks the state)
        cq_v_reg   <= nq_any || st_push;
        cq_idx_reg <= nq_any ? nq_idx : free_idx;
        lv_v  <= tbl_out;
        lv_id <= c_id;

    end
end


// ---------------------------------------------------------------- the entries
// the stage transaction's decision as it enters the table (a TLB decision invalidated in this
// very cycle is made again); a main-TLB hit gives the ASID, nG and size
wire                push_ready = st_fg || (st_ft && !inv) || mt_use;
wire [PASID_W-1:0]  push_asid  = mt_use ? mf_asid[PASID_W-1:0] : st_asid[PASID_W-1:0];
wire                push_ng    = mt_use ? mf_ng : st_ng;
wire [1:0]          push_size  = mt_use ? mf_size : st_size;
wire                push_xl    = mt_use || st_xl;
wire                push_oob   = st_addr[63:OAS_BITS] != {(64-OAS_BITS){1'b0}};
genvar ge;
generate for (ge = 0; ge < PEND; ge = ge + 1) begin : g_ent
    smmu_xlt_ent #(.ID_W(ID_W), .SID_W(SID_W), .SLOT_W(SLOT_W), .PIDX_W(PIDX_W),
                   .IN_ORDER(IN_ORDER), .RNW(RNW), .E(ge), .PVA_HI(PVA_HI), .PASID_W(PASID_W)) ent_inst (
        .clk(clk), .rst(rst), .smmuen(smmuen), .gbpa_abort(gbpa_abort),
        .push(st_push), .free_idx(free_idx), .n_same(n_same_st), .st_id(st_id),
        .st_va(st_addr[PVA_HI:12]), .st_oob(push_oob), .st_sid(st_sid), .st_pnu(st_attr[4]),
        .st_ind(st_attr[6]), .st_ready(push_ready), .st_fg(st_fg), .st_down(st_down), .st_raz(st_raz),
        .st_xl(push_xl), .st_asid(push_asid), .st_ng(push_ng), .st_size(push_size),
        .leave(tbl_out), .sel_idx(sel_idx), .lv_v(lv_v), .lv_id(lv_id),
        .park_take(park_take), .park_idx(pc_idx), .rec_pop(rec_pop), .rec_pop_seq(rec_pop_seq),
        .cq_idx(cq_idx_reg), .c_req_ready(c_req_ready), .gb_go(gb_go),
        .c_cancel(c_cancel), .c_cancel_idx(c_cancel_idx), .c_resp_valid(c_resp_valid),
        .c_resp_idx(c_resp_idx), .ans_kind(ans_kind), .ans_slot(ans_slot), .ans_cdf(ans_cdf),
        .ans_asid(ans_asid[PASID_W-1:0]), .ans_rec(ans_rec), .ans_rseq(ans_rseq), .ans_pio(ans_ovr[14:11]),
        .w_done(w_done), .w_slot(w_slot), .w_fault(w_fault), .w_perm(w_perm), .w_stale(w_stale),
        .w_ng(w_ng), .w_size(w_size), .cp_any(cp_any), .cp_idx(cp_idx),
        .ev_take(ev_take), .ev_idx(ev_idx), .act(act_mask[ge]), .act_kind(act_kind),
        .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
        .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
        .v(p_v[ge]), .state(p_state[ge*3 +: 3]), .nold(p_nold[ge*(PIDX_W+1) +: PIDX_W+1]),
        .old_zero(p_old0[ge]), .lv_dec(p_lvdec[ge]), .id(p_id[ge*ID_W +: ID_W]),
        .ent_sid(p_sid[ge*SID_W +: SID_W]), .down(p_down[ge]), .raz(p_raz[ge]), .pva(p_pva[ge]),
        .commit(p_commit[ge]), .slot(p_slot[ge*SLOT_W +: SLOT_W]), .fc(p_fc[ge*3 +: 3]),
        .park(p_park[ge]), .stl(p_stl[ge]), .size(p_size[ge*2 +: 2]), .csel(p_csel[ge]),
        .wsel(p_wsel[ge]), .wb(p_wb[ge]), .rwait(p_rwait[ge]), .pio(p_pio[ge*4 +: 4])
    );
end endgenerate

// ---------------------------------------------------------------- simulation check
`ifndef SYNTHESIS
`ifndef FORMAL   // (yosys' formal front-end has no $fatal)
reg dbg_rst_seen;   // random initial state (Verilator x-initial) is not checked
initial dbg_rst_seen = 1'b0;
always @(posedge clk) if (rst) dbg_rst_seen <= 1'b1;
// a walk ends only in a slot whose last result no entry still reads (the TCU honours w_hold)
reg dbg_hold_bad;
always @* begin
    dbg_hold_bad = w_done && cv_v && cv_wb && cv_slot == w_slot;
    for (integer e = 0; e < PEND; e = e + 1)
        if (w_done && p_wb[e] && p_slot[e*SLOT_W +: SLOT_W] == w_slot && !s_walk[e])
            dbg_hold_bad = 1'b1;
end
always @(posedge clk)
    if (!rst && dbg_rst_seen && dbg_hold_bad)
        $fatal(1, "smmu_xlt_q: walk slot %0d ended while an entry still reads its last result", w_slot);
`endif
`endif

// ---------------------------------------------------------------- formal invariants
// Checked by yosys-sby only (formal/, `make formal`); no simulator or linter defines FORMAL.
`ifdef FORMAL
integer f_n_unparked;
always @* begin
    f_n_unparked = 0;
    for (integer i = 0; i < PEND; i = i + 1)
        if (p_v[i] && !p_park[i])
            f_n_unparked = f_n_unparked + 1;
end
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen) begin
    // nothing heads for the output buffer without a decision: a pending entry chosen
    // (into the conversion stage) is READY, a stage entry was decided by the TLB or by
    // GBPA in the handshake cycle
    if (tbl_out)
        assert(s_rdy[sel_idx]);
    if (st_out)
        assert(out_v && st_fast);
    // a walk ends only in a slot whose last result no entry still reads (smmu_walk: w_hold),
    // and an entry whose copy is pending is one that reads it (a walk's READY or EVT entry) or
    // one that went back for a new lookup (its next walk's end replaces the copy)
    if (w_done && cv_v && cv_wb)
        assert(cv_slot != w_slot);
    for (integer e = 0; e < PEND; e = e + 1) begin
        if (w_done && p_wb[e] && p_slot[e*SLOT_W +: SLOT_W] == w_slot)
            assert(s_walk[e]);
        if (p_wb[e])
            assert(p_v[e] && p_wsel[e]);
    end
    // the FIFO holds exactly the unparked pending writes, its head among them
    if (PARK != 0) begin
        assert({{(31-PIDX_W){1'b0}}, uf_count} == f_n_unparked);
        if (uf_valid)
            assert(p_v[uf_head] && !p_park[uf_head]);
        if (st_push)
            assert(uf_room);
    end
    // no decision is final before it is made: the transitions to READY only set p_commit
    for (integer e = 0; e < PEND; e = e + 1)
        if (p_v[e] && !s_rdy[e] && !s_stall[e])
            assert(!p_commit[e]);
end
// The same-ID count is exact: an entry's count, less the departure subtracted this cycle,
// is the number of pending entries of its ID that entered before it (f_age: the cycle it
// entered, from a free-running stamp that does not wrap within the proof depths). Asserted with
// PEND <= 4 (blocks:xlt_q4_bmc, the top tasks): at PEND=8 the count made blocks:xlt_q_bmc reach
// only step 11 of 20 in 7 minutes.
reg [7:0] f_stamp = 8'd0;
reg [7:0] f_age [0:PEND-1];
always @(posedge clk) begin
    f_stamp <= f_stamp + 1'b1;
    if (st_push)
        f_age[free_idx] <= f_stamp;
end
reg [PIDX_W:0] f_nolder;
always @* if (f_rst_seen && !rst && PEND <= 4)
    for (integer e = 0; e < PEND; e = e + 1)
        if (p_v[e]) begin
            f_nolder = {(PIDX_W+1){1'b0}};
            for (integer j = 0; j < PEND; j = j + 1)
                if (p_v[j] && j != e && (IN_ORDER != 0 || p_id[j*ID_W +: ID_W] == p_id[e*ID_W +: ID_W]) &&
                    f_age[j] < f_age[e])
                    f_nolder = f_nolder + 1'b1;
            assert(!p_lvdec[e] || p_nold[e*(PIDX_W+1) +: PIDX_W+1] != {(PIDX_W+1){1'b0}});
            assert(p_nold[e*(PIDX_W+1) +: PIDX_W+1] - {{PIDX_W{1'b0}}, p_lvdec[e]} == f_nolder);
        end
`endif

endmodule

`resetall
