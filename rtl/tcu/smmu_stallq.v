`resetall
`timescale 1ns / 1ps
`default_nettype none
`include "smmu_count.vh"

// Stall tags: the outstanding stalled transactions of the NQ translation
// queues (a read and a write queue per TBU; IHI 0070 3.12.2).
//
// A stalled transaction stays in its queue's pending table (state STALL);
// this module owns its STAG and answers the stall commands:
// * A queue asks for a tag when its stall record is handed to the event
//   queue (alloc_*): the record carries `next_tag`. At most one record is
//   taken per cycle, so at most one allocation per cycle. `avail` is 0 with
//   STALL_MAX stalls outstanding: further stallable faults wait in their
//   queue without a record (no stall is lost, no STAG reused early).
// * STAG = {generation, index}. The generation of an index advances when
//   its stall ends, so a RESUME naming an ended stall is a no-op even after
//   the index was reused.
// * CMD_RESUME(SID, STAG): the stall with that STAG, if its StreamID is SID,
//   is retried (Ac=1), aborted (Ac=0 Ab=1) or terminated RAZ/WI (Ac=0 Ab=0,
//   TERM_MODEL=0); otherwise nothing happens. CMD_STALL_TERM(SID) aborts
//   every stall of SID. SMMUEN=0 ends every stall (the queues abort their
//   STALL entries themselves).
// * The action reaches the queues as a message, in the cycle after the command
//   queue executes the command: a RESUME names its tag's queue and entry
//   (act_res one-hot over the queues, act_idx); a STALL_TERM is broadcast with its
//   StreamID (act_term, act_sid) and every queue acts on its STALL entries of that
//   StreamID that hold a tag (smmu_xlt_q p_tag, set by the allocation as the TBU sees
//   it, as late as the action), which are exactly the entries whose tags it ends here.
//   SMMUEN=0 sends nothing: the queues abort their STALL entries themselves.
//   (Until stop 27 the action was a mask over every queue's entries, decoded
//   here from every ended tag: 1.4-2.4k LUT4 of decoders.)
module smmu_stallq #(
    parameter STALL_MAX = 16,
    parameter SID_W     = 8,
    parameter PIDX_W    = 4,
    parameter NQ        = 2,     // translation queues: queue 2t reads, 2t+1 writes of TBU t
    parameter QW        = (NQ > 1) ? $clog2(NQ) : 1
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               smmuen,

    // a stall record taken by the event queue
    input  wire               alloc_valid,
    input  wire [QW-1:0]      alloc_q,       // the allocating queue
    input  wire [PIDX_W-1:0]  alloc_idx,     // pending entry
    input  wire [SID_W-1:0]   alloc_sid,
    output wire               avail,
    output wire [15:0]        next_tag,

    // commands (one-cycle pulses from the command queue)
    input  wire               resume_valid,
    input  wire [31:0]        resume_sid,
    input  wire [15:0]        resume_stag,
    input  wire [1:0]         resume_resp,   // bit0 Ac (retry), bit1 Ab (abort)
    input  wire               stall_term_valid,
    input  wire [31:0]        stall_term_sid,

    // actions on pending entries
    output wire [NQ-1:0]      act_res,       // a RESUME acts on queue q's entry act_idx
    output wire [PIDX_W-1:0]  act_idx,
    output wire               act_term,      // a STALL_TERM acts on every STALL entry of act_sid
    output wire [SID_W-1:0]   act_sid,
    output wire [1:0]         act_kind,      // 0 retry, 1 abort, 2 RAZ/WI

    output reg  [5:0]         outstanding,
    output reg  [31:0]        cnt_stalls,
    output reg  [31:0]        cnt_retry,
    output reg  [31:0]        cnt_abort,
    output reg  [31:0]        cnt_term,
    output reg  [31:0]        cnt_nomatch
);

localparam IW = (STALL_MAX > 1) ? $clog2(STALL_MAX) : 1;   // index bits
localparam GW = 16 - IW;                                    // generation bits
localparam [1:0] K_RETRY = 2'd0, K_ABORT = 2'd1, K_RAZ = 2'd2;

reg  [STALL_MAX-1:0] t_v;                 // tag outstanding
reg  [GW-1:0]        t_gen [0:STALL_MAX-1];
reg  [SID_W-1:0]     t_sid [0:STALL_MAX-1];
reg  [QW-1:0]        t_q   [0:STALL_MAX-1];
reg  [PIDX_W-1:0]    t_idx [0:STALL_MAX-1];


// ---------------------------------------------------------------- allocation
// the first free index at or after the one after the last allocation, so the
// indices are used in turn and a generation wraps only after
// STALL_MAX * 2^GW allocations
wire          free_any;
wire [IW-1:0] free_idx;
reg  [IW-1:0] next_reg;
reg  [STALL_MAX-1:0] t_free;
always @* begin
    for (integer k = 0; k < STALL_MAX; k = k + 1)
        t_free[k] = !t_v[k];
end
smmu_rr_first #(.N(STALL_MAX), .IDX_W(IW)) free_pick_inst (
    .req(t_free), .from(next_reg), .any(free_any), .idx(free_idx)
);
assign avail    = free_any;
assign next_tag = {t_gen[free_idx], free_idx};

// ---------------------------------------------------------------- commands
function sid_eq;
    input [31:0]      cmd_sid;
    input [SID_W-1:0] sid;
    begin
        sid_eq = (cmd_sid[SID_W-1:0] == sid) &&
                 ((SID_W >= 32) || ((cmd_sid >> SID_W) == 32'd0));
    end
endfunction

wire [IW-1:0] r_idx    = resume_stag[IW-1:0];
wire          r_in     = {{(32-IW){1'b0}}, r_idx} < STALL_MAX;
wire          r_hit    = resume_valid && r_in && t_v[r_idx] && t_gen[r_idx] == resume_stag[15:IW] &&
                         sid_eq(resume_sid, t_sid[r_idx]);
wire [1:0]    r_kind   = resume_resp[0] ? K_RETRY : (resume_resp[1] ? K_ABORT : K_RAZ);

// ended this cycle (tags released)
reg [STALL_MAX-1:0] end_v;
always @* begin
    end_v = {STALL_MAX{1'b0}};
    for (integer k = 0; k < STALL_MAX; k = k + 1)
        if (t_v[k] && (!smmuen ||
                       (r_hit && r_idx == k[IW-1:0]) ||
                       (stall_term_valid && sid_eq(stall_term_sid, t_sid[k]))))
            end_v[k] = 1'b1;
end
// the tags ended this cycle, counted as an adder tree: a counting loop is a chain of
// STALL_MAX increments, and behind the RESUME / STALL_TERM match it was the design's
// deepest path (41 levels). The tags held are not counted again each cycle: the
// count follows the tags that end and the one allocated (an allocation takes a free
// tag and an end frees a held one, so the two never meet); counting the held tags
// from t_v was a STALL_MAX-long increment chain, the design's deepest path at stop 26
// (26 levels). The formal check below proves the count equals the tags held.
wire [5:0] n_end;
smmu_popcnt #(.N(STALL_MAX), .W(6)) n_end_inst (.v(end_v), .n(n_end));

// SMMUEN=0 and STALL_TERM abort; a RESUME (never in the same cycle as a
// STALL_TERM: one command per cycle) acts as it says
// (an index beyond STALL_MAX reads nothing: r_hit is 0 then)
wire [QW-1:0] r_q = r_in ? t_q[r_idx] : {QW{1'b0}};
genvar gq;
generate
    for (gq = 0; gq < NQ; gq = gq + 1) begin : g_res
        assign act_res[gq] = smmuen && r_hit && r_q == gq;
    end
endgenerate
assign act_idx  = r_in ? t_idx[r_idx] : {PIDX_W{1'b0}};
assign act_term = smmuen && stall_term_valid && ((SID_W >= 32) || ((stall_term_sid >> SID_W) == 32'd0));
assign act_sid  = stall_term_sid[SID_W-1:0];
assign act_kind = (smmuen && r_hit) ? r_kind : K_ABORT;

always @(posedge clk) begin
    if (rst) begin
        t_v         <= {STALL_MAX{1'b0}};
        next_reg    <= {IW{1'b0}};
        outstanding <= 6'd0;
        cnt_stalls  <= 32'd0;
        cnt_retry   <= 32'd0;
        cnt_abort   <= 32'd0;
        cnt_term    <= 32'd0;
        cnt_nomatch <= 32'd0;
        for (integer k = 0; k < STALL_MAX; k = k + 1) begin
            t_gen[k] <= {GW{1'b0}};
            t_sid[k] <= {SID_W{1'b0}};
            t_q[k]   <= {QW{1'b0}};
            t_idx[k] <= {PIDX_W{1'b0}};
        end
    end else begin
        for (integer k = 0; k < STALL_MAX; k = k + 1)
            if (end_v[k]) begin
                t_v[k]   <= 1'b0;
                t_gen[k] <= t_gen[k] + 1'b1;
            end
        if (alloc_valid && free_any) begin
            t_v[free_idx]   <= 1'b1;
            t_sid[free_idx] <= alloc_sid;
            t_q[free_idx]   <= alloc_q;
            t_idx[free_idx] <= alloc_idx;
            `SMMU_COUNT(cnt_stalls, 1'b1);
            next_reg        <= ({{(32-IW){1'b0}}, free_idx} == STALL_MAX - 1) ? {IW{1'b0}} : free_idx + 1'b1;
        end
        outstanding <= outstanding - n_end + {5'd0, alloc_valid && free_any};

        // with SMMUEN=0 there is no stall: a RESUME matches nothing
        if (resume_valid) begin
            if (!r_hit || !smmuen)
                `SMMU_COUNT(cnt_nomatch, 1'b1);
            else if (r_kind == K_RETRY)
                `SMMU_COUNT(cnt_retry, 1'b1);
            else if (r_kind == K_RAZ)
                `SMMU_COUNT(cnt_term, 1'b1);
        end
        if ((r_hit && smmuen && r_kind == K_ABORT) || stall_term_valid || !smmuen)
            `SMMU_COUNT(cnt_abort, 32'(n_end));
    end
end

// ---------------------------------------------------------------- formal invariants
// Checked by yosys-sby only (formal/, `make formal`); no simulator or linter defines FORMAL.
`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
reg [5:0] f_nv;
always @* begin
    f_nv = 6'd0;
    for (integer k = 0; k < STALL_MAX; k = k + 1)
        f_nv = f_nv + {5'd0, t_v[k]};
end
always @* if (f_rst_seen) begin
    assert(outstanding == f_nv);                             // the count is the tags held
    assert(outstanding <= STALL_MAX);                        // never above STALL_MAX
    assert(avail == (f_nv < STALL_MAX));                     // a free tag exists exactly below STALL_MAX
    assert({{(32-IW){1'b0}}, next_reg} < STALL_MAX);         // allocation pointer in range
end
genvar fk, fm;
generate
    for (fk = 0; fk < STALL_MAX; fk = fk + 1) begin : g_f_tag
        // the STAG handed out is unique: no outstanding stall carries it
        always @* if (f_rst_seen && avail && t_v[fk])
            assert({t_gen[fk], IW'(fk)} != next_tag);
        // one tag per stalled pending entry
        for (fm = fk + 1; fm < STALL_MAX; fm = fm + 1) begin : g_f_pair
            always @* if (f_rst_seen && t_v[fk] && t_v[fm])
                assert(t_q[fk] != t_q[fm] || t_idx[fk] != t_idx[fm]);
        end
    end
endgenerate
`ifdef SMMU_FORMAL_STALLQ_ENV
// proof of this module alone: the queues' promise (an entry asks for a tag
// only while it holds none); in the whole-design runs the queues are real
generate
    for (fk = 0; fk < STALL_MAX; fk = fk + 1) begin : g_f_env
        always @* if (alloc_valid && t_v[fk] && !end_v[fk])
            assume(t_q[fk] != alloc_q || t_idx[fk] != alloc_idx);
    end
endgenerate
`endif
`endif

endmodule

`resetall
