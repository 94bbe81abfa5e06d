`resetall
`timescale 1ns / 1ps
`default_nettype none

// The pending table of a translation queue (smmu_xlt_q): PEND entries (smmu_xlt_ent, one
// instance per entry: the state machine and the fields every scan reads), their payloads
// (smmu_xlt_mem), and the scans that serve them: the free entry, the same-ID counts, the
// write order and park request (smmu_xlt_park), the configuration request (smmu_xlt_creq);
// the output choice (smmu_xlt_conv) and the records (smmu_xlt_rec) read the entries here.
//
// An entry's field f is gathered into p_f (one bit, or p_f[i*W +: W] for entry i); its state
// is decoded once, s_x[i]: entry i is valid and in state P_X (smmu_xlt.vh).
//
// Same-ID order: entry e's nold counts the pending entries of e's ID that entered before it;
// e may leave (or ask for its configuration first) only when none is left. An entry leaves
// only when its count is 0, so entries of one ID leave in the order they entered, and the one
// leaving is older than every other entry of its ID: each of them counted it. The count
// taken when an entry enters is the entries of its ID then pending (same_st), the one leaving
// that cycle included; a departure is subtracted the cycle after (lv_*: the departure
// registered) from every entry of that ID then valid, the one that entered in the
// departure's cycle included, and the cycle's check subtracts it already (old_zero). So no
// departure's choice (the output pick) lies on the path into the counts.
//
// The invalidation scope compares partial tags, VA[PVA_HI:12] and ASID[PASID_W-1:0]
// (smmu_xlt_ent; docs/architecture.md "Invalidation of pending decisions").
module smmu_xlt_tbl #(
    parameter ID_W     = 4,
    parameter OAS_BITS = 48,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter ATTR_W   = 17,
    parameter PEND     = 8,
    parameter SLOT_W   = 1,
    parameter IN_ORDER = 0,
    parameter RNW      = 1,
    parameter PIDX_W   = 3,
    parameter PARK     = 0,
    parameter WB_BEATS = 16,
    parameter PSLOT_W  = 1
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  smmuen,
    input  wire                  gbpa_abort,
    input  wire [14:0]           g_ovr,

    // the stage transaction (smmu_xlt_stage) ...
    input  wire [ID_W-1:0]       st_id,
    output wire                  st_alone,   // ... has nothing of its ID pending
    output reg                   free_any,   // an entry is free ...
    output reg  [PIDX_W-1:0]     free_idx,   // ... the lowest-numbered
    input  wire                  push,       // ... enters the table, decided as follows
    input  wire [63:0]           st_addr,
    input  wire [7:0]            st_len,
    input  wire [ATTR_W-1:0]     st_attr,
    input  wire [SID_W-1:0]      st_sid,
    input  wire [SSID_W-1:0]     st_ssid,
    input  wire                  st_ssv,
    input  wire                  st_ready,   // decided (TLB, GBPA, main TLB): READY
    input  wire                  st_fg,      // decided by GBPA
    input  wire                  st_down,
    input  wire                  st_raz,
    input  wire                  st_xl,      // a stage-1 translation: its ASID, nG, size
    input  wire [15:0]           st_asid,
    input  wire                  st_ng,
    input  wire [1:0]            st_size,
    input  wire [OAS_BITS-1:12]  st_hpa,     // the page of a decision made now
    input  wire [21:0]           st_ax,      // its attribute transform

    // the output choice (smmu_xlt_conv): the entries that may leave, the one chosen
    output wire [PEND-1:0]       rdy,
    output wire [ID_W*PEND-1:0]  ent_id,
    output wire [PEND-1:0]       ent_down,
    input  wire                  leave,      // entry sel_idx leaves the table (into the conversion)
    input  wire [PIDX_W-1:0]     sel_idx,
    input  wire [ID_W-1:0]       sel_id,
    output wire                  t_pva,      // ... its fields
    output wire                  t_wsel,
    output wire                  t_wb,
    output wire [SLOT_W-1:0]     t_slot,
    output wire [OAS_BITS-1:12]  t_wbase,
    output wire [OAS_BITS-1:12]  t_hbase,
    output wire [1:0]            t_size,
    output wire [63:0]           t_addr,
    output wire [ATTR_W-1:0]     t_attr,
    output wire [7:0]            t_len,
    output wire [21:0]           t_ax,
    output wire                  t_down,
    output wire                  t_raz,
    output wire                  t_park,
    output wire [PSLOT_W-1:0]    t_pslot,
    input  wire                  cv_v,       // the conversion stage's walk result not copied
    input  wire                  cv_wb,      // yet: read from its slot
    input  wire [SLOT_W-1:0]     cv_slot,
    output wire [OAS_BITS-1:12]  cv_base,
    output wire [5:0]            cv_ax,
    output wire                  uf_valid,   // an unparked write is pending (PARK=1)
    input  wire                  wr_wait,    // an unparked write waits for the output buffer

    // park request (PARK=1): the oldest unparked pending write
    output wire                  pk_valid,
    output wire [7:0]            pk_len,
    input  wire                  pk_ready,
    input  wire [PSLOT_W-1:0]    pk_slot,

    // configuration lookup (smmu_xlt_q's ports)
    output wire                  c_req_valid,
    output wire [PIDX_W-1:0]     c_req_idx,
    output wire [SID_W-1:0]      c_sid,
    output wire [SSID_W-1:0]     c_ssid,
    output wire                  c_ssv,
    output wire [63:0]           c_addr,
    output wire                  c_pnu,
    output wire                  c_ind,
    input  wire                  c_req_ready,
    input  wire                  c_cancel,
    input  wire [PIDX_W-1:0]     c_cancel_idx,
    input  wire                  c_resp_valid,
    input  wire [PIDX_W-1:0]     c_resp_idx,
    input  wire [2:0]            ans_kind,
    input  wire [SLOT_W-1:0]     ans_slot,
    input  wire [3:0]            ans_cdf,
    input  wire [15:0]           ans_asid,
    input  wire                  ans_rec,
    input  wire [2:0]            ans_rseq,
    input  wire                  rec_pop,
    input  wire [2:0]            rec_pop_seq,
    input  wire [14:0]           ans_ovr,

    // walk results
    input  wire                  w_done,
    input  wire [SLOT_W-1:0]     w_slot,
    input  wire [2:0]            w_fault,
    input  wire [OAS_BITS-1:0]   w_fetch,
    input  wire [OAS_BITS-13:0]  w_pa,
    input  wire [1:0]            w_size,
    input  wire [4:0]            w_perm,
    input  wire                  w_stale,
    input  wire                  w_ng,
    input  wire [5:0]            w_ax,

    // TLBI / CFGI
    input  wire                  tlbi_valid,
    input  wire [7:0]            tlbi_op,
    input  wire [15:0]           tlbi_asid,
    input  wire [63:12]          tlbi_va,
    input  wire                  tlbi_leaf,
    input  wire                  cfgi_valid,
    input  wire [31:0]           cfgi_sid,
    input  wire [31:0]           cfgi_mask,

    // the records (smmu_xlt_rec): the entries with a record to write, stalled ones ...
    output reg  [PEND-1:0]       s_evt,
    output reg  [PEND-1:0]       s_stall,
    output wire [PEND-1:0]       ent_stl,
    output wire [SID_W*PEND-1:0] ent_sid,
    input  wire [PIDX_W-1:0]     ev_idx,     // ... the record offered and its fields
    input  wire                  ev_take,
    output wire [2:0]            ev_fc,
    output wire [63:0]           ev_addr,
    output wire [SID_W-1:0]      ev_sid,
    output wire [SSID_W-1:0]     ev_ssid,
    output wire                  ev_ssv,
    output wire                  ev_pnu,
    output wire                  ev_ind,
    output wire [OAS_BITS-1:3]   ev_wpa,
    input  wire [PEND-1:0]       act_mask,   // the stall unit's action on these entries
    input  wire [1:0]            act_kind,

    output wire [(1<<SLOT_W)-1:0] w_hold,
    output wire [PIDX_W:0]       n_cfg_wait
);

`include "smmu_attr.vh"   // AX_W, AX_S1
`include "smmu_xlt.vh"    // P_*, ANS_*

localparam PVA_HI  = 23;
localparam PASID_W = 8;
wire [PEND-1:0]        p_v, p_old0, p_lvdec, p_pva, p_commit, p_park, p_raz;
wire [PEND-1:0]        p_csel, p_wsel, p_wb, p_rwait;
wire [3*PEND-1:0]      p_state, p_fc;
wire [(PIDX_W+1)*PEND-1:0] p_nold;     // older pending entries of its ID
wire [SLOT_W*PEND-1:0] p_slot;
wire [2*PEND-1:0]      p_size;
wire [4*PEND-1:0]      p_pio;
wire unused_ent = &{1'b0, p_lvdec, p_commit, p_nold};   // (read by the formal invariants below)
reg  [PEND-1:0]        s_new, s_cfg, s_walk, s_rdy;
always @* begin
    for (integer i = 0; i < PEND; i = i + 1) begin
        s_new[i]     = p_v[i] && p_state[i*3 +: 3] == P_NEW;
        s_cfg[i]     = p_v[i] && p_state[i*3 +: 3] == P_CFG;
        s_walk[i]    = p_v[i] && p_state[i*3 +: 3] == P_WALK;
        s_evt[i]     = p_v[i] && p_state[i*3 +: 3] == P_EVT;
        s_rdy[i]     = p_v[i] && p_state[i*3 +: 3] == P_READY;
        s_stall[i]   = p_v[i] && p_state[i*3 +: 3] == P_STALL;
    end
end

// the payloads (smmu_xlt_mem) read at the output choice, the configuration request, the
// record, the oldest unparked write
localparam PL_W = 64 + ATTR_W + SID_W + SSID_W + 1;
wire [PL_W-1:0]      sel_pl, cq_pl, ev_pl;
wire [7:0]           hd_len;
wire                 cp_any;
wire [PIDX_W-1:0]    cp_idx;

// entries with the same ID as the stage transaction, free entry
reg [PEND-1:0]    same_st;
always @* begin
    same_st  = {PEND{1'b0}};
    free_any = 1'b0;
    free_idx = {PIDX_W{1'b0}};
    for (integer i = 0; i < PEND; i = i + 1) begin
        same_st[i]  = p_v[i] && (IN_ORDER != 0 || ent_id[i*ID_W +: ID_W] == st_id);
        if (!free_any && !p_v[i]) begin
            free_any = 1'b1;
            free_idx = i[PIDX_W-1:0];
        end
    end
end
assign st_alone = same_st == {PEND{1'b0}};
wire [PIDX_W:0]   n_same_st;
smmu_popcnt #(.N(PEND), .W(PIDX_W + 1)) same_cnt_inst (.v(same_st), .n(n_same_st));
reg               lv_v;           // an entry left last cycle ...
reg  [ID_W-1:0]   lv_id;          // ... with this ID

// ---------------------------------------------------------------- write order, parking
// the entries that may leave, the unparked writes' order and the park request (smmu_xlt_park)
wire [PIDX_W-1:0] uf_head;    // the oldest unparked write
wire              park_take;
smmu_xlt_park #(.PEND(PEND), .PIDX_W(PIDX_W), .PARK(PARK), .WB_BEATS(WB_BEATS)) park_inst (
    .clk(clk), .rst(rst), .push(push), .free_idx(free_idx), .ent_v(p_v), .ent_rdy(s_rdy),
    .ent_old0(p_old0), .ent_rwait(p_rwait), .ent_park(p_park), .rdy(rdy), .leave(leave),
    .sel_idx(sel_idx), .uf_valid(uf_valid), .uf_head(uf_head), .hd_len(hd_len), .wr_wait(wr_wait),
    .pk_valid(pk_valid), .pk_ready(pk_ready), .pk_take(park_take)
);
assign pk_len = hd_len;

// ---------------------------------------------------------------- configuration requests
// the NEW entry that asks next, or takes the GBPA decision (smmu_xlt_creq); its fields
wire              gb_go, cr_take;
wire [PIDX_W-1:0] cq_idx;
smmu_xlt_creq #(.PEND(PEND), .PIDX_W(PIDX_W)) creq_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen), .s_new(s_new), .s_cfg(s_cfg), .old0(p_old0),
    .push(push), .free_idx(free_idx), .c_req_valid(c_req_valid), .cq_idx(cq_idx), .gb_go(gb_go),
    .c_cancel(c_cancel), .c_cancel_idx(c_cancel_idx), .c_resp_valid(c_resp_valid),
    .c_resp_idx(c_resp_idx), .cr_take(cr_take), .n_cfg_wait(n_cfg_wait)
);
assign c_req_idx   = cq_idx;
wire [ATTR_W-1:0] c_attr;
assign {c_addr, c_attr, c_sid, c_ssid, c_ssv} = cq_pl;
assign c_pnu       = c_attr[4];
assign c_ind       = c_attr[6];

always @(posedge clk) begin
    if (rst) begin
        lv_v  <= 1'b0;
        lv_id <= {ID_W{1'b0}};
    end else begin
        lv_v  <= leave;
        lv_id <= sel_id;
    end
end

// ---------------------------------------------------------------- payloads
// a walk's result for every entry waiting for it: the FetchAddr of a fault (F_WALK_EABT's
// record), else the output address's base (joined at the output)
wire [OAS_BITS-1:3] w_res = (w_fault != 3'd0) ? w_fetch[OAS_BITS-1:3] : {w_pa, 9'd0};
wire                unused_fetch_lo = &{1'b0, w_fetch[2:0]};   // descriptors are 8-byte aligned
// (no reset: read only for valid entries, the park slot only for a parked one). A
// configuration answer's {OVR, S1} has the cax port first, else the GBPA decision of a NEW
// entry (SMMUEN=0)
smmu_xlt_mem #(.OAS_BITS(OAS_BITS), .PL_W(PL_W), .PEND(PEND), .PIDX_W(PIDX_W), .SLOT_W(SLOT_W),
               .PSLOT_W(PSLOT_W)) mem_inst (
    .clk(clk), .rst(rst),
    .push(push), .push_idx(free_idx), .push_pl({st_addr, st_attr, st_sid, st_ssid, st_ssv}),
    .push_len(st_len), .push_hpa(st_hpa), .push_hax(st_ax),
    .pk_take(park_take), .pk_idx(uf_head), .pk_slot(pk_slot),
    .cax_we(cr_take || gb_go), .cax_idx(cr_take ? c_resp_idx : cq_idx),
    .cax_d(cr_take ? {ans_ovr, ans_kind != ANS_BYPASS} : {g_ovr, 1'b0}),
    .w_done(w_done), .w_slot(w_slot), .w_res(w_res), .w_ax(w_ax),
    .ent_wb(p_wb), .ent_slot(p_slot), .ent_walk(s_walk),
    .ans_walk(c_resp_valid && ans_kind == ANS_WALK), .ans_slot(ans_slot),
    .cp_any(cp_any), .cp_idx(cp_idx), .w_hold(w_hold),
    .sel_idx(sel_idx), .sel_csel(p_csel[sel_idx]), .sel_wsel(p_wsel[sel_idx]), .sel_pl(sel_pl),
    .sel_len(t_len), .sel_ax(t_ax), .sel_wbase(t_wbase), .sel_hbase(t_hbase), .sel_pslot(t_pslot),
    .cv_wb(cv_wb), .cv_v(cv_v), .cv_slot(cv_slot), .cv_base(cv_base), .cv_ax(cv_ax),
    .cq_idx(cq_idx), .cq_pl(cq_pl), .ev_idx(ev_idx), .ev_pl(ev_pl), .ev_wpa(ev_wpa),
    .hd_idx(uf_head), .hd_len(hd_len)
);
// the chosen entry's fields
wire [SID_W+SSID_W:0] t_unused;   // (fields the output does not use)
assign {t_addr, t_attr, t_unused} = sel_pl;
assign t_pva  = p_pva[sel_idx];
assign t_wsel = p_wsel[sel_idx];
assign t_wb   = p_wb[sel_idx];
assign t_slot = p_slot[sel_idx*SLOT_W +: SLOT_W];
assign t_size = p_size[sel_idx*2 +: 2];
assign t_down = ent_down[sel_idx];
assign t_raz  = p_raz[sel_idx];
assign t_park = p_park[sel_idx];
// the record's fields: PnU / InD as the STE's PRIVCFG / INSTCFG make them (smmu_attr.vh)
wire [ATTR_W-1:0] ev_attr;
assign {ev_addr, ev_attr, ev_sid, ev_ssid, ev_ssv} = ev_pl;
assign ev_fc = p_fc[ev_idx*3 +: 3];
wire [3:0] ev_pio = p_pio[ev_idx*4 +: 4];
assign ev_pnu = pio_pnu(ev_pio, ev_attr[4]);
assign ev_ind = pio_ind(ev_pio, ev_attr[6]);
wire unused_pl = &{1'b0, t_unused, c_attr[ATTR_W-1:7], c_attr[5], c_attr[3:0], ev_attr[ATTR_W-1:7],
                   ev_attr[5], ev_attr[3:0], ans_asid[15:PASID_W], st_asid[15:PASID_W]};

// ---------------------------------------------------------------- the entries
wire st_oob = st_addr[63:OAS_BITS] != {(64-OAS_BITS){1'b0}};
genvar ge;
generate for (ge = 0; ge < PEND; ge = ge + 1) begin : g_ent
    smmu_xlt_ent #(.ID_W(ID_W), .SID_W(SID_W), .SLOT_W(SLOT_W), .PIDX_W(PIDX_W),
                   .IN_ORDER(IN_ORDER), .RNW(RNW), .E(ge), .PVA_HI(PVA_HI), .PASID_W(PASID_W)) ent_inst (
        .clk(clk), .rst(rst), .smmuen(smmuen), .gbpa_abort(gbpa_abort),
        .push(push), .free_idx(free_idx), .n_same(n_same_st), .st_id(st_id),
        .st_va(st_addr[PVA_HI:12]), .st_oob(st_oob), .st_sid(st_sid), .st_pnu(st_attr[4]),
        .st_ind(st_attr[6]), .st_ready(st_ready), .st_fg(st_fg), .st_down(st_down), .st_raz(st_raz),
        .st_xl(st_xl), .st_asid(st_asid[PASID_W-1:0]), .st_ng(st_ng), .st_size(st_size),
        .leave(leave), .sel_idx(sel_idx), .lv_v(lv_v), .lv_id(lv_id),
        .park_take(park_take), .park_idx(uf_head), .rec_pop(rec_pop), .rec_pop_seq(rec_pop_seq),
        .cq_idx(cq_idx), .c_req_ready(c_req_ready), .gb_go(gb_go),
        .c_cancel(c_cancel), .c_cancel_idx(c_cancel_idx), .c_resp_valid(c_resp_valid),
        .c_resp_idx(c_resp_idx), .ans_kind(ans_kind), .ans_slot(ans_slot), .ans_cdf(ans_cdf),
        .ans_asid(ans_asid[PASID_W-1:0]), .ans_rec(ans_rec), .ans_rseq(ans_rseq), .ans_pio(ans_ovr[14:11]),
        .w_done(w_done), .w_slot(w_slot), .w_fault(w_fault), .w_perm(w_perm), .w_stale(w_stale),
        .w_ng(w_ng), .w_size(w_size), .cp_any(cp_any), .cp_idx(cp_idx),
        .ev_take(ev_take), .ev_idx(ev_idx), .act(act_mask[ge]), .act_kind(act_kind),
        .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
        .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
        .v(p_v[ge]), .state(p_state[ge*3 +: 3]), .nold(p_nold[ge*(PIDX_W+1) +: PIDX_W+1]),
        .old_zero(p_old0[ge]), .lv_dec(p_lvdec[ge]), .id(ent_id[ge*ID_W +: ID_W]),
        .ent_sid(ent_sid[ge*SID_W +: SID_W]), .down(ent_down[ge]), .raz(p_raz[ge]), .pva(p_pva[ge]),
        .commit(p_commit[ge]), .slot(p_slot[ge*SLOT_W +: SLOT_W]), .fc(p_fc[ge*3 +: 3]),
        .park(p_park[ge]), .stl(ent_stl[ge]), .size(p_size[ge*2 +: 2]), .csel(p_csel[ge]),
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
        $fatal(1, "smmu_xlt_tbl: walk slot %0d ended while an entry still reads its last result", w_slot);
`endif
`endif

// ---------------------------------------------------------------- formal invariants
// Checked by yosys-sby only (formal/, `make formal`); no simulator or linter defines FORMAL.
`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen) begin
    // nothing heads for the output buffer without a decision: a pending entry chosen
    // (into the conversion stage) is READY
    if (leave)
        assert(s_rdy[sel_idx]);
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
    if (push)
        f_age[free_idx] <= f_stamp;
end
reg [PIDX_W:0] f_nolder;
always @* if (f_rst_seen && !rst && PEND <= 4)
    for (integer e = 0; e < PEND; e = e + 1)
        if (p_v[e]) begin
            f_nolder = {(PIDX_W+1){1'b0}};
            for (integer j = 0; j < PEND; j = j + 1)
                if (p_v[j] && j != e && (IN_ORDER != 0 || ent_id[j*ID_W +: ID_W] == ent_id[e*ID_W +: ID_W]) &&
                    f_age[j] < f_age[e])
                    f_nolder = f_nolder + 1'b1;
            assert(!p_lvdec[e] || p_nold[e*(PIDX_W+1) +: PIDX_W+1] != {(PIDX_W+1){1'b0}});
            assert(p_nold[e*(PIDX_W+1) +: PIDX_W+1] - {{PIDX_W{1'b0}}, p_lvdec[e]} == f_nolder);
        end
`endif

endmodule

`resetall
