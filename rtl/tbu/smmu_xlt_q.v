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
    output wire                  pr_pnu,     // its AxPROT[0] / AxPROT[2]
    output wire                  pr_ind,
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
    input  wire                  mt_ok,      // the hit allows the probed access
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
    .pr_valid(pr_valid), .pr_sid(pr_sid), .pr_ssid(pr_ssid), .pr_ssv(pr_ssv), .pr_va(pr_va), .pr_pnu(pr_pnu), .pr_ind(pr_ind),
    .pr_grant(pr_grant), .mt_hit(mt_hit), .mt_pa(mt_pa), .mt_size(mt_size), .mt_ng(mt_ng),
    .mt_perm(mt_perm), .mt_pan(mt_pan), .mt_asid(mt_asid), .mt_ax(mt_ax), .mt_tbi(mt_tbi), .mt_ok(mt_ok),
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
// The pending table (smmu_xlt_tbl): the entries, their payloads, the configuration requests
// and park requests. The stage transaction enters it decided (a TLB decision invalidated in
// this very cycle is made again; a main-TLB hit gives the ASID, nG and size) or not.
wire                 st_alone, free_any, uf_valid, tbl_out, st_direct, st_out, cv_v, cv_wb;
wire                 ob_wr_wait, t_pva, t_wsel, t_wb, t_down, t_raz, t_park;
wire [PEND-1:0]      rdy, p_down, s_evt, s_stall, p_stl, act_mask;
wire [ID_W*PEND-1:0] p_id;
wire [SID_W*PEND-1:0] p_sid;
wire [PIDX_W-1:0]    free_idx, sel_idx, ev_idx;
wire [ID_W-1:0]      c_id;          // (the choice's ID, for the same-ID count)
wire [SLOT_W-1:0]    t_slot, cv_slot;
wire [OAS_BITS-1:12] t_wbase, t_hbase, sb_cv;
wire [1:0]           t_size;
wire [63:0]          t_addr, e_addr;
wire [ATTR_W-1:0]    t_attr;
wire [7:0]           t_len;
wire [AX_W-1:0]      t_ax;
wire [PSLOT_W-1:0]   t_pslot;
wire [AX_S1-1:0]     sb_cvax;
wire                 ev_take, e_ssv, ev_pnu, ev_ind;
wire [2:0]           ev_fc;
wire [SID_W-1:0]     e_sid;
wire [SSID_W-1:0]    e_ssid;
wire [OAS_BITS-1:3]  ev_wpa;
smmu_xlt_tbl #(.ID_W(ID_W), .OAS_BITS(OAS_BITS), .SID_W(SID_W), .SSID_W(SSID_W), .ATTR_W(ATTR_W),
               .PEND(PEND), .SLOT_W(SLOT_W), .IN_ORDER(IN_ORDER), .RNW(RNW), .PIDX_W(PIDX_W),
               .PARK(PARK), .WB_BEATS(WB_BEATS), .PSLOT_W(PSLOT_W)) tbl_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen), .gbpa_abort(gbpa_abort), .g_ovr(g_ovr),
    .st_id(st_id), .st_alone(st_alone), .free_any(free_any), .free_idx(free_idx), .push(st_push), .st_addr(st_addr),
    .st_len(st_len), .st_attr(st_attr), .st_sid(st_sid), .st_ssid(st_ssid), .st_ssv(st_ssv),
    .st_ready(st_fg || (st_ft && !inv) || mt_use), .st_fg(st_fg), .st_down(st_down), .st_raz(st_raz),
    .st_xl(mt_use || st_xl), .st_asid(mt_use ? mf_asid : st_asid), .st_ng(mt_use ? mf_ng : st_ng),
    .st_size(mt_use ? mf_size : st_size), .st_hpa(mt_use ? mf_pa : st_pa[OAS_BITS-1:12]),
    .st_ax(mt_use ? mf_ax : st_ax),
    .rdy(rdy), .ent_id(p_id), .ent_down(p_down), .leave(tbl_out), .sel_idx(sel_idx), .sel_id(c_id),
    .t_pva(t_pva), .t_wsel(t_wsel), .t_wb(t_wb), .t_slot(t_slot), .t_wbase(t_wbase), .t_hbase(t_hbase),
    .t_size(t_size), .t_addr(t_addr), .t_attr(t_attr), .t_len(t_len), .t_ax(t_ax), .t_down(t_down),
    .t_raz(t_raz), .t_park(t_park), .t_pslot(t_pslot),
    .cv_v(cv_v), .cv_wb(cv_wb), .cv_slot(cv_slot), .cv_base(sb_cv), .cv_ax(sb_cvax),
    .uf_valid(uf_valid), .wr_wait(ob_wr_wait),
    .pk_valid(pk_valid), .pk_len(pk_len), .pk_ready(pk_ready), .pk_slot(pk_slot),
    .c_req_valid(c_req_valid), .c_req_idx(c_req_idx), .c_sid(c_sid), .c_ssid(c_ssid), .c_ssv(c_ssv),
    .c_addr(c_addr), .c_pnu(c_pnu), .c_ind(c_ind), .c_req_ready(c_req_ready), .c_cancel(c_cancel),
    .c_cancel_idx(c_cancel_idx), .c_resp_valid(c_resp_valid), .c_resp_idx(c_resp_idx),
    .ans_kind(ans_kind), .ans_slot(ans_slot), .ans_cdf(ans_cdf), .ans_asid(ans_asid), .ans_rec(ans_rec),
    .ans_rseq(ans_rseq), .rec_pop(rec_pop), .rec_pop_seq(rec_pop_seq), .ans_ovr(ans_ovr),
    .w_done(w_done), .w_slot(w_slot), .w_fault(w_fault), .w_fetch(w_fetch), .w_pa(w_pa),
    .w_size(w_size), .w_perm(w_perm), .w_stale(w_stale), .w_ng(w_ng), .w_ax(w_ax),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .s_evt(s_evt), .s_stall(s_stall), .ent_stl(p_stl), .ent_sid(p_sid), .ev_idx(ev_idx),
    .ev_take(ev_take), .ev_fc(ev_fc), .ev_addr(e_addr), .ev_sid(e_sid), .ev_ssid(e_ssid),
    .ev_ssv(e_ssv), .ev_pnu(ev_pnu), .ev_ind(ev_ind), .ev_wpa(ev_wpa), .act_mask(act_mask),
    .act_kind(act_kind), .w_hold(w_hold), .n_cfg_wait(n_cfg_wait)
);
// the stage transaction enters the table: not directly into the output, an entry free, not
// waiting for its main-TLB probe
assign st_push  = out_v && !st_direct && free_any && !st_wait;
assign st_leave = st_out || st_push;
assign mf_valid = mt_use;   // (a main-TLB hit decides the transaction entering the table)

// ---------------------------------------------------------------- output choice
// The choice of a READY entry (rdy: may leave the table; nothing older of its ID pending, a
// write only if parked or the oldest unparked one), the conversion stage and the output
// buffer (smmu_xlt_conv). The chosen entry's fields are read in the table at sel_idx: the
// payload, the attribute transform from its sources (a walk's bits not copied yet: read in
// the conversion from the walk slot) and the output address as stored (the VA with pva, the
// page or block base of the walk, wsel, or until it is copied (wb) in the walk slot's buffer,
// else the one of the entry's TLB hit), joined in the conversion (join_pa). A decided stage
// transaction with nothing of its ID pending (and, for writes, no unparked write pending)
// goes there directly.
wire st_fast = st_ft || st_fg;
smmu_xlt_conv #(.ID_W(ID_W), .OAS_BITS(OAS_BITS), .ATTR_W(ATTR_W), .SLOT_W(SLOT_W), .PSLOT_W(PSLOT_W),
                .PEND(PEND), .PIDX_W(PIDX_W), .PARK(PARK), .RNW(RNW)) conv_inst (
    .clk(clk), .rst(rst), .inv(inv),
    .rdy(rdy), .ent_id(p_id), .ent_down(p_down), .sel_idx(sel_idx), .sel_id(c_id),
    .tbl_out(tbl_out),
    .t_pva(t_pva), .t_wsel(t_wsel), .t_wb(t_wb), .t_slot(t_slot), .t_wbase(t_wbase), .t_hbase(t_hbase),
    .t_size(t_size), .t_va(t_addr[OAS_BITS-1:0]), .t_len(t_len), .t_attr(t_attr),
    .t_ax(t_ax), .t_down(t_down), .t_raz(t_raz), .t_park(t_park), .t_pslot(t_pslot),
    .cv_v(cv_v), .cv_wb(cv_wb), .cv_slot(cv_slot), .sb_base(sb_cv), .sb_ax(sb_cvax),
    .st_ok(out_v && st_fast && st_alone && (PARK == 0 || !uf_valid)),
    .st_id(st_id), .st_pa(st_pa), .st_len(st_len), .st_attr(st_attr), .st_ax(st_ax),
    .st_down(st_down), .st_raz(st_raz), .st_direct(st_direct), .st_out(st_out),
    .o_valid(o_valid), .o_id(o_id), .o_addr(o_addr), .o_len(o_len), .o_attr(o_attr), .o_dom(o_dom),
    .o_down(o_down), .o_raz(o_raz), .o_take(o_take), .o_stale(o_stale), .o_park(o_park),
    .o_pslot(o_pslot), .pi_idle(pi_idle), .pi_lbusy(pi_lbusy), .pi_lid(pi_lid),
    .wr_wait(ob_wr_wait), .sync_block(sync_block)
);
wire unused_t = &{1'b0, t_addr[63:OAS_BITS]};

// ---------------------------------------------------------------- fault records
// the records, the stall count and the stall unit's actions (smmu_xlt_rec); the record's
// fields are read in the table at the offered entry (ev_idx)
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

// ---------------------------------------------------------------- formal invariants
// Checked by yosys-sby only (formal/, `make formal`); the table's are in smmu_xlt_tbl.
`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
// a stage transaction heads for the output buffer only decided by the TLB or by GBPA in the
// handshake cycle
always @* if (f_rst_seen && st_out)
    assert(out_v && st_fast);
`endif

endmodule

`resetall
