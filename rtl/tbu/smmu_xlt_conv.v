`resetall
`timescale 1ns / 1ps
`default_nettype none

// Output side of a translation queue (smmu_xlt_q): the choice of a pending entry to leave, the
// conversion stage, and the output buffer whose head is the offer to the read or write path.
//
// The choice (a READY entry with nothing older of its ID pending: rdy) enters the conversion
// stage and the next cycle the output buffer (smmu_xlt_out); the stage transaction enters the
// buffer directly; the buffer's head is the offer to the path. The choice never waits for the
// path: it only takes transactions that may issue as the path's registered per-ID state stands
// (may_issue), so a locally answered one whose ID still has transactions downstream stays in
// the table and does not block the head (the path checks the exact rule again at the head).
// Round-robin: the first candidate at or after the entry after the last one chosen.
//
// The conversion stage (cv_*) holds the chosen entry's fields as stored, read by the queue at
// sel_idx in the choice's cycle (t_*); the next cycle the output address is joined and the
// output attributes are made (attr_out) on the way into the output buffer. So the search over
// the table and the attribute rule are not one path; a table entry reaches the buffer one
// cycle after its choice. The stage transaction (decided in the handshake cycle) enters the
// buffer directly, only while the stage is empty (nothing passes a chosen entry). The stage
// takes a choice while it is empty or its entry moves on (the buffer's in_ready is a
// register), so it passes one entry per cycle. An invalidation while an entry is in the stage
// marks it stale, as in the buffer. An entry whose walk result was not copied yet (t_wb) reads
// the walk slot's result (sb_*, at cv_slot) in its first cycle in the stage and keeps it, so
// the stage holds the slot (the queue's w_hold) for that cycle only.
module smmu_xlt_conv #(
    parameter ID_W     = 4,
    parameter OAS_BITS = 48,
    parameter ATTR_W   = 17,
    parameter SLOT_W   = 1,
    parameter PSLOT_W  = 1,
    parameter PEND     = 8,
    parameter PIDX_W   = 3,
    parameter PARK     = 0,
    parameter RNW      = 1
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  inv,        // a TLBI or CFGI this cycle

    // the table
    input  wire [PEND-1:0]       rdy,        // may leave the table (order and parking allow)
    input  wire [ID_W*PEND-1:0]  ent_id,
    input  wire [PEND-1:0]       ent_down,
    output wire [PIDX_W-1:0]     sel_idx,    // the entry chosen (sel_tbl) ...
    output wire [ID_W-1:0]       sel_id,
    output wire                  tbl_out,    // ... and enters the conversion stage
    // the chosen entry's fields (read at sel_idx)
    input  wire                  t_pva,      // the output address is the input address
    input  wire                  t_wsel,     // the walk's output address (else the TLB hit's)
    input  wire                  t_wb,       // ... not copied yet: in walk slot t_slot
    input  wire [SLOT_W-1:0]     t_slot,
    input  wire [OAS_BITS-1:12]  t_wbase,
    input  wire [OAS_BITS-1:12]  t_hbase,
    input  wire [1:0]            t_size,
    input  wire [OAS_BITS-1:0]   t_va,
    input  wire [7:0]            t_len,
    input  wire [ATTR_W-1:0]     t_attr,
    input  wire [21:0]           t_ax,       // attribute transform ([5:0] the walk slot's with t_wb)
    input  wire                  t_down,
    input  wire                  t_raz,
    input  wire                  t_park,
    input  wire [PSLOT_W-1:0]    t_pslot,
    // the walk slot's result, read at cv_slot while the stage's entry was not copied (cv_wb)
    output reg                   cv_v,
    output wire                  cv_wb,
    output wire [SLOT_W-1:0]     cv_slot,
    input  wire [OAS_BITS-1:12]  sb_base,
    input  wire [5:0]            sb_ax,

    // the stage transaction: may go to the buffer directly (st_ok: decided, nothing of its
    // ID pending, no unparked write older)
    input  wire                  st_ok,
    input  wire [ID_W-1:0]       st_id,
    input  wire [OAS_BITS-1:0]   st_pa,
    input  wire [7:0]            st_len,
    input  wire [ATTR_W-1:0]     st_attr,
    input  wire [21:0]           st_ax,
    input  wire                  st_down,
    input  wire                  st_raz,
    output wire                  st_direct,  // it may issue now
    output wire                  st_out,     // it enters the output buffer

    // decided transactions to the path
    output wire                  o_valid,
    output wire [ID_W-1:0]       o_id,
    output wire [OAS_BITS-1:0]   o_addr,
    output wire [7:0]            o_len,
    output wire [ATTR_W-1:0]     o_attr,
    output wire [1:0]            o_dom,
    output wire                  o_down,
    output wire                  o_raz,
    input  wire                  o_take,
    output wire                  o_stale,
    output wire                  o_park,
    output wire [PSLOT_W-1:0]    o_pslot,
    input  wire [(1<<ID_W)-1:0]  pi_idle,
    input  wire                  pi_lbusy,
    input  wire [ID_W-1:0]       pi_lid,

    output wire                  wr_wait,    // an unparked write waits in the stage or the buffer
    output wire                  sync_block
);

`include "smmu_cd.vh"
`include "smmu_attr.vh"

reg  [PIDX_W-1:0] rr_reg;
wire              sel_tbl;    // an entry is chosen
reg  [ID_W-1:0]   cv_id;
reg               cv_stale;
wire              ob_ready;
wire [1:0]        ob_v, ob_unparked;
wire [2*ID_W-1:0] ob_id;

// A locally answered transaction may issue when nothing of its ID is downstream or in the
// stage or the buffer and the local responder is free; one going downstream when the local
// responder is not busy with its ID. Evaluated per candidate, its own ID compared with the
// stage's and the buffer's (stop 34: no longer a per-ID vector indexed by the entry's ID,
// which put a 16:1 choice behind those compares on the output choice's path). Every signal
// it reads is an argument (a function reading module signals would not be re-evaluated by
// every simulator when they change).
localparam NID = 1 << ID_W;
function may_issue;
    input [ID_W-1:0]   id;
    input              down;
    input              lbusy;
    input [ID_W-1:0]   lid;
    input [NID-1:0]    idle;
    input              c_v;
    input [ID_W-1:0]   c_id;
    input [1:0]        q_v;
    input [2*ID_W-1:0] q_id;
    may_issue = down ? !(lbusy && lid == id)
                     : (!lbusy && idle[id] && !(c_v && c_id == id) && !(q_v[0] && q_id[0 +: ID_W] == id) &&
                        !(q_v[1] && q_id[ID_W +: ID_W] == id));
endfunction

assign st_direct = st_ok && may_issue(st_id, st_down, pi_lbusy, pi_lid, pi_idle, cv_v, cv_id, ob_v, ob_id);

reg [PEND-1:0] cand;   // may leave and may issue now
always @* begin
    for (integer i = 0; i < PEND; i = i + 1)
        cand[i] = rdy[i] && may_issue(ent_id[i*ID_W +: ID_W], ent_down[i], pi_lbusy, pi_lid, pi_idle, cv_v, cv_id,
                                      ob_v, ob_id);
end
smmu_rr_first #(.N(PEND), .IDX_W(PIDX_W)) cand_pick_inst (
    .req(cand), .from(rr_reg), .any(sel_tbl), .idx(sel_idx)
);
assign sel_id = ent_id[sel_idx*ID_W +: ID_W];

// the stage: {pva, wsel, wb, slot, wbase, hbase, size, va, len, attr, ax, down, raz, park, pslot}
localparam CVO_W = 2 + 2 * (OAS_BITS - 12) + 2 + OAS_BITS + 8 + ATTR_W + AX_W + 3 + PSLOT_W;
localparam CV_W  = CVO_W + 1 + SLOT_W;
wire [CV_W-1:0]     cv_in = {t_pva, t_wsel, t_wb, t_slot, t_wbase, t_hbase, t_size, t_va, t_len, t_attr,
                             t_ax, t_down, t_raz, t_park, t_park ? t_pslot : {PSLOT_W{1'b0}}};
reg  [CV_W-1:0]     cv_d;
wire                cv_pva, cv_wsel;
wire [OAS_BITS-1:12] cv_wbase;
wire [CVO_W-(OAS_BITS-12)-3:0] cv_rest;
assign {cv_pva, cv_wsel, cv_wb, cv_slot, cv_wbase, cv_rest} = cv_d;
localparam CV_B_AX = PSLOT_W + 3;   // the transform's bits [5:0] in cv_d (and cv_rest)
wire [AX_S1-1:0]    cv_wax = cv_wb ? sb_ax : cv_d[CV_B_AX +: AX_S1];
wire [CVO_W-1:0]    cv_out = {cv_pva, cv_wsel, cv_wb ? sb_base : cv_wbase,
                              cv_rest[CVO_W-(OAS_BITS-12)-3:CV_B_AX+AX_S1], cv_wax, cv_rest[CV_B_AX-1:0]};
wire                unused_cv_ax = &{1'b0, cv_rest[CV_B_AX +: AX_S1]};   // (in cv_wax)
wire                ob_sync_block;
wire                cv_ready = !cv_v || ob_ready;

// the output buffer's entry: {pa, len, size/burst/lock, cache, prot, qos, domain, down, raz, park, slot}
localparam OB_W = OAS_BITS + 8 + ATTR_W + 2 + 1 + 1 + 1 + PSLOT_W;
function [OB_W-1:0] ob_word;
    input [CVO_W-1:0] f;
    reg                pva, wsel;
    reg [OAS_BITS-1:12] wbase, hbase;
    reg [1:0]          size;
    reg [OAS_BITS-1:0] va, pa;
    reg [7:0]          len;
    reg [ATTR_W-1:0]   at;
    reg [AX_W-1:0]     ax;
    reg                down, raz, park;
    reg [PSLOT_W-1:0]  slot;
    reg [8:0]          ao;
    begin
        {pva, wsel, wbase, hbase, size, va, len, at, ax, down, raz, park, slot} = f;
        pa      = pva ? va : join_pa(wsel ? wbase : hbase, size, va[29:0]);
        ao      = attr_out(ax, at[10:7], at[6:4], RNW != 0);
        ob_word = {pa, len, at[16:11], ao[6:0], at[3:0], ao[8:7], down, raz, park, slot};
    end
endfunction
wire [CVO_W-1:0] st_cv = {2'b10, {(2*(OAS_BITS-12)){1'b0}}, 2'd0, st_pa, st_len, st_attr, st_ax, st_down, st_raz, 1'b0,
                          {PSLOT_W{1'b0}}};

// the buffer's input: the stage's entry, else the stage transaction
wire              st_go   = !cv_v && !sel_tbl && st_direct;
wire              c_valid = cv_v || st_go;
wire [OB_W-1:0]   c_data  = ob_word(cv_v ? cv_out : st_cv);
wire              cv_park = cv_d[PSLOT_W];

smmu_xlt_out #(.W(OB_W), .ID_W(ID_W)) ob_inst (
    .clk(clk), .rst(rst),
    .in_valid(c_valid), .in_data(c_data), .in_id(cv_v ? cv_id : st_id),
    .in_flag(PARK != 0 && !(cv_v && cv_park)), .in_stale(cv_v && cv_stale), .in_ready(ob_ready),
    .inv(inv),
    .out_valid(o_valid), .out_data({o_addr, o_len, o_attr, o_dom, o_down, o_raz, o_park, o_pslot}),
    .out_id(o_id), .out_stale(o_stale), .out_take(o_take),
    .q_v(ob_v), .q_id(ob_id), .q_flag(ob_unparked), .sync_block(ob_sync_block)
);
assign sync_block = ob_sync_block || (cv_v && cv_stale);
// an unparked write in the stage or the buffer: its W route is pushed at the buffer's head,
// and a park route pushed before it would take its W data (the queue parks none meanwhile)
assign wr_wait = |(ob_v & ob_unparked) || (PARK != 0 && cv_v && !cv_park);

assign tbl_out = cv_ready && sel_tbl;     // the chosen entry enters the conversion stage
assign st_out  = ob_ready && st_go;       // the stage transaction enters the output buffer

// payload: no reset (read only with cv_v)
localparam CV_B_WB    = CV_W - 3;
localparam CV_B_WBASE = CV_W - 4 - SLOT_W - (OAS_BITS - 13);
always @(posedge clk)
    if (tbl_out)
        cv_d <= cv_in;
    else if (cv_wb) begin
        cv_d[CV_B_WB]                     <= 1'b0;
        cv_d[CV_B_WBASE +: OAS_BITS - 12] <= sb_base;
        cv_d[CV_B_AX +: AX_S1]            <= sb_ax;
    end

always @(posedge clk) begin
    if (rst) begin
        rr_reg   <= {PIDX_W{1'b0}};
        cv_v     <= 1'b0;
        cv_id    <= {ID_W{1'b0}};
        cv_stale <= 1'b0;
    end else begin
        if (tbl_out)
            rr_reg <= (sel_idx == PIDX_W'(PEND - 1)) ? {PIDX_W{1'b0}} : sel_idx + 1'b1;
        // takes the choice, passes its entry to the output buffer
        if (tbl_out) begin
            cv_v     <= 1'b1;
            cv_id    <= sel_id;
            cv_stale <= inv;
        end else if (cv_v && ob_ready)
            cv_v     <= 1'b0;
        else
            cv_stale <= cv_stale || inv;
    end
end

`ifdef FORMAL
// Fairness of the output choice (docs/architecture.md "Issue": the offers rotate among the
// candidates): an entry that stays a candidate (may leave and may issue) is offered before PEND
// offers of other entries are made. An offer is a table entry entering the conversion stage
// (tbl_out). f_passed[e]: offers of other entries since entry e became a candidate or was last
// offered.
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
reg [PEND*(PIDX_W+1)-1:0] f_passed;
always @(posedge clk)
    for (integer e = 0; e < PEND; e = e + 1)
        if (rst || !cand[e] || (tbl_out && sel_idx == e[PIDX_W-1:0]))
            f_passed[e*(PIDX_W+1) +: PIDX_W+1] <= {(PIDX_W+1){1'b0}};
        else if (tbl_out)
            f_passed[e*(PIDX_W+1) +: PIDX_W+1] <= f_passed[e*(PIDX_W+1) +: PIDX_W+1] + 1'b1;
always @* if (f_rst_seen && !rst)
    for (integer e = 0; e < PEND; e = e + 1)
        assert({{(31-PIDX_W){1'b0}}, f_passed[e*(PIDX_W+1) +: PIDX_W+1]} < PEND);
`endif

endmodule

`resetall
