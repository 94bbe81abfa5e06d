`resetall
`timescale 1ns / 1ps
`default_nettype none

// Fault records and stalls of a translation queue (smmu_xlt_q): which entry's record is
// offered to the event queue, the record itself, and the count and end of the queue's stalls.
//
// Records: round-robin from the entry after the last record taken, so a record that had to
// wait (a stall record waiting for a STAG) is not passed forever. The record offered is chosen
// one cycle ahead and registered (eo_*), so the event queue's choice and its ready do not wait
// for a search over every entry: the offer is valid while its entry still has the record to
// write (and, for a stall record, a tag, stall room and event-queue space); when it is taken
// or not valid, the next offer is the one searched for meanwhile among the entries in EVT
// other than the valid offer (so the search does not wait for the event queue's ready: e_ready
// only selects between the kept offer and the searched one). The record's fields are read by
// the queue at the offered entry (rd_*).
//
// Stalls: at most SCAP entries stalled, counted in a register (the record offer must not wait
// for a count over every entry): +1 when a stall record is taken, 0 when SMMUEN=0 ends every
// stall, and -1 per stall the stall unit ended, one cycle late (the ended entries are
// registered in un_reg first, so the stall unit's command matching and this count are not one
// path): for that cycle the count is one stall high, which only delays a further stall. The
// combinational count n_stall checks it. The stalled entries the stall unit's action names
// (act_mask, read only in STALL): a RESUME names one; a STALL_TERM acts on the STALL entries
// of its StreamID that hold a tag (p_tag): an entry enters STALL when its record is taken, and
// with LINK_REG=1 that is the link's record buffer, before the TCU allocates the tag; p_tag is
// set by the TCU's allocation as the TBU sees it (st_held, delayed like the action), so a
// STALL_TERM ends exactly the entries whose tags the TCU ends.
module smmu_xlt_rec #(
    parameter OAS_BITS = 48,
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter PEND     = 8,
    parameter PIDX_W   = 3,
    parameter RNW      = 1,
    parameter SCAP     = 4
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  smmuen,

    // the table
    input  wire [PEND-1:0]       evt_v,        // entry in EVT (a record to write)
    input  wire [PEND-1:0]       evt_stl,      // ... and the record is a stall record
    input  wire [PEND-1:0]       stall_v,      // entry in STALL
    input  wire [PEND*SID_W-1:0] ent_sid,      // entries' StreamIDs (STALL_TERM)
    input  wire                  push,         // an entry is allocated (push_idx): no tag
    input  wire [PIDX_W-1:0]     push_idx,

    // the offered entry's record fields, read by the queue at ev_idx
    output wire [PIDX_W-1:0]     ev_idx,
    output wire                  ev_take,      // the record of ev_idx is taken this cycle
    input  wire [2:0]            rd_fc,        // its fault (smmu_xlt_q FLT_* / FC_*)
    input  wire [63:0]           rd_addr,
    input  wire [SID_W-1:0]      rd_sid,
    input  wire [SSID_W-1:0]     rd_ssid,
    input  wire                  rd_ssv,
    input  wire                  rd_pnu,       // PnU, InD after PRIVCFG/INSTCFG
    input  wire                  rd_ind,
    input  wire [OAS_BITS-1:3]   rd_fetch,     // FetchAddr of F_WALK_EABT

    // the event queue
    output wire                  e_valid,
    output reg  [255:0]          e_data,
    output wire                  e_stall,      // the offered record is a stall record
    input  wire                  e_ready,
    input  wire                  e_stall_ok,   // the event queue can write a record now

    // stall tags (smmu_stallq)
    input  wire                  st_avail,
    input  wire [15:0]           st_tag,
    output wire                  st_alloc,     // a stall record was taken: entry st_alloc_idx stalls
    output wire [PIDX_W-1:0]     st_alloc_idx,
    output wire [SID_W-1:0]      st_alloc_sid,
    input  wire                  st_held,      // the TCU allocated the tag of entry st_held_idx
    input  wire [PIDX_W-1:0]     st_held_idx,
    input  wire                  act_res,      // a RESUME acts on stalled entry act_idx
    input  wire [PIDX_W-1:0]     act_idx,
    input  wire                  act_term,     // a STALL_TERM acts on the stalled entries of act_sid
    input  wire [SID_W-1:0]      act_sid,
    output reg  [PEND-1:0]       act_mask      // the stalled entries the action names
);

localparam [7:0] EV_F_WALK_EABT = 8'h0B, EV_F_TRANSLATION = 8'h10, EV_F_ADDR_SIZE = 8'h11,
                 EV_F_ACCESS = 8'h12, EV_F_PERMISSION = 8'h13;
`include "smmu_xlt.vh"   // FLT_*, FC_*: the queue's fault codes (smmu_xlt_ent fc)
function [7:0] fc_evid;
    input [2:0] fc;
    begin
        case (fc)
            FLT_TRANSLATION: fc_evid = EV_F_TRANSLATION;
            FLT_ADDR_SIZE:   fc_evid = EV_F_ADDR_SIZE;
            FLT_ACCESS:      fc_evid = EV_F_ACCESS;
            FC_PERMISSION:   fc_evid = EV_F_PERMISSION;
            default:         fc_evid = EV_F_WALK_EABT;
        endcase
    end
endfunction

// ---------------------------------------------------------------- stalls
reg  [PEND-1:0] p_tag;
always @* begin
    for (integer i = 0; i < PEND; i = i + 1)
        act_mask[i] = (act_res && act_idx == i[PIDX_W-1:0]) ||
                      (act_term && p_tag[i] && ent_sid[i*SID_W +: SID_W] == act_sid);
end
reg  [PEND-1:0] un_reg;
reg  [PIDX_W:0] n_stall_reg;
wire [PIDX_W:0] n_unstall;
smmu_popcnt #(.N(PEND), .W(PIDX_W + 1)) unstall_cnt_inst (.v(un_reg), .n(n_unstall));
wire stall_room = {{(31-PIDX_W){1'b0}}, n_stall_reg} < SCAP;

// ---------------------------------------------------------------- record offer
reg  [PIDX_W-1:0] ev_rr_reg;
reg               eo_v_reg;
reg  [PIDX_W-1:0] eo_idx_reg;
assign ev_idx = eo_idx_reg;
wire              stall_ok = st_avail && stall_room && smmuen && e_stall_ok;
wire              ev_ok = eo_v_reg && evt_v[ev_idx] && (!evt_stl[ev_idx] || stall_ok);
assign ev_take = ev_ok && e_ready;
reg  [PEND-1:0]   ev_cand;
always @* begin
    for (integer i = 0; i < PEND; i = i + 1)
        ev_cand[i] = evt_v[i] && (!evt_stl[i] || stall_ok) && !(ev_ok && ev_idx == i[PIDX_W-1:0]);
end
wire [PIDX_W-1:0] ev_from = !ev_ok ? ev_rr_reg :
                            (ev_idx == PIDX_W'(PEND - 1)) ? {PIDX_W{1'b0}} : ev_idx + 1'b1;
wire              ev_any_n;
wire [PIDX_W-1:0] ev_idx_n;
smmu_rr_first #(.N(PEND), .IDX_W(PIDX_W)) ev_pick_inst (
    .req(ev_cand), .from(ev_from), .any(ev_any_n), .idx(ev_idx_n)
);

// ---------------------------------------------------------------- the record
always @* begin
    e_data = 256'd0;
    e_data[7:0]     = fc_evid(rd_fc);
    e_data[11]      = rd_ssv;
    e_data[31:12]   = rd_ssv ? {{(20-SSID_W){1'b0}}, rd_ssid} : 20'd0;
    e_data[63:32]   = {{(32-SID_W){1'b0}}, rd_sid};
    if (evt_stl[ev_idx]) begin
        e_data[79:64] = st_tag;                                   // STAG
        e_data[95]    = 1'b1;                                     // Stall
    end
    // PnU, InD (0 for writes): after the STE's PRIVCFG/INSTCFG (IHI 0070 7.3)
    e_data[97]      = rd_pnu;
    e_data[98]      = (RNW != 0) && rd_ind;
    e_data[99]      = RNW != 0;                                   // RnW
    e_data[105:104] = (rd_fc == FC_EABT) ? 2'b01 : 2'b10;         // CLASS TT : IN
    e_data[191:128] = rd_addr;
    if (rd_fc == FC_EABT)
        e_data[OAS_BITS-1+192:195] = rd_fetch;                    // FetchAddr (a walk's result)
end

assign e_valid      = ev_ok;
assign e_stall      = evt_stl[ev_idx];
assign st_alloc     = ev_take && evt_stl[ev_idx];
assign st_alloc_idx = ev_idx;
assign st_alloc_sid = rd_sid;

always @(posedge clk) begin
    if (rst) begin
        ev_rr_reg   <= {PIDX_W{1'b0}};
        eo_v_reg    <= 1'b0;
        eo_idx_reg  <= {PIDX_W{1'b0}};
        n_stall_reg <= {(PIDX_W+1){1'b0}};
        un_reg      <= {PEND{1'b0}};
        p_tag       <= {PEND{1'b0}};
    end else begin
        if (!smmuen) begin
            n_stall_reg <= {(PIDX_W+1){1'b0}};
            un_reg      <= {PEND{1'b0}};
        end else begin
            n_stall_reg <= n_stall_reg - n_unstall + {{PIDX_W{1'b0}}, st_alloc};
            un_reg      <= stall_v & act_mask;
        end
        if (ev_take)
            ev_rr_reg <= ev_from;
        if (!ev_ok || ev_take) begin
            eo_v_reg   <= ev_any_n;
            eo_idx_reg <= ev_idx_n;
        end
        // a stall tag: none when a record is taken (a new stall) or the entry is allocated, one
        // from the TCU's allocation (with LINK_REG=0 in the same cycle: the allocation wins)
        for (integer e = 0; e < PEND; e = e + 1) begin
            if ((push && push_idx == e[PIDX_W-1:0]) || (ev_take && ev_idx == e[PIDX_W-1:0]))
                p_tag[e] <= 1'b0;
            if (st_held && st_held_idx == e[PIDX_W-1:0])
                p_tag[e] <= 1'b1;
        end
    end
end

// the stalled entries now (at most SCAP): checks the register count
reg [PIDX_W:0] n_stall;
always @* begin
    n_stall = {(PIDX_W+1){1'b0}};
    for (integer i = 0; i < PEND; i = i + 1)
        if (stall_v[i])
            n_stall = n_stall + 1'b1;
end

`ifndef SYNTHESIS
`ifndef FORMAL   // (yosys' formal front-end has no $fatal)
reg dbg_rst_seen;   // random initial state (Verilator x-initial) is not checked
initial dbg_rst_seen = 1'b0;
always @(posedge clk) if (rst) dbg_rst_seen <= 1'b1;
always @(posedge clk)
    if (!rst && dbg_rst_seen && n_stall_reg != n_stall + n_unstall)
        $fatal(1, "smmu_xlt_rec: stall count %0d, %0d entries stalled + %0d ended last cycle", n_stall_reg,
               n_stall, n_unstall);
`endif
`endif

`ifdef FORMAL
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen) begin
    assert(n_stall <= SCAP);                                 // stalls per direction
    assert(n_stall_reg == n_stall + n_unstall);              // the register count: exact, one cycle late on ends
end
// Fairness of the record choice (round-robin from the entry after the last record taken): an
// entry whose record stays offerable (EVT, not a stall record; a stall record's turn also needs
// a tag) is taken before PEND records of other entries. f_epassed[e]: records of other entries
// taken since entry e's record became offerable. Asserted with PEND <= 4 (blocks:xlt_q4_bmc, the
// top tasks' XLT_SLOTS=4): with 8 entries the choice cannot wrap within the bounded depth, and
// the check made blocks:xlt_q_bmc ten times slower.
reg [PEND*(PIDX_W+1)-1:0] f_epassed;
always @(posedge clk)
    for (integer e = 0; e < PEND; e = e + 1)
        if (rst || !(evt_v[e] && !evt_stl[e]) || (ev_take && ev_idx == e[PIDX_W-1:0]))
            f_epassed[e*(PIDX_W+1) +: PIDX_W+1] <= {(PIDX_W+1){1'b0}};
        else if (ev_take)
            f_epassed[e*(PIDX_W+1) +: PIDX_W+1] <= f_epassed[e*(PIDX_W+1) +: PIDX_W+1] + 1'b1;
always @* if (f_rst_seen && !rst && PEND <= 4)
    for (integer e = 0; e < PEND; e = e + 1)
        assert({{(31-PIDX_W){1'b0}}, f_epassed[e*(PIDX_W+1) +: PIDX_W+1]} < PEND);
// ... and the search for the next offer after an offer was lost (its entry left EVT, or a
// stall record's tag became unavailable) starts at the entry after the last record taken
// (entry 0 before the first): the order the records of entries waiting together take is
// the round-robin order, not only within the bound above (stop-29 mutant xlt_rec-089
// updated the pointer when no record was taken and kept the bound).
reg [PIDX_W-1:0] f_next;
always @(posedge clk)
    if (rst)
        f_next <= {PIDX_W{1'b0}};
    else if (ev_take)
        f_next <= (ev_idx == PIDX_W'(PEND - 1)) ? {PIDX_W{1'b0}} : ev_idx + 1'b1;
always @* if (f_rst_seen && !rst && !ev_ok)
    assert(ev_from == f_next);
`endif

endmodule

`resetall
