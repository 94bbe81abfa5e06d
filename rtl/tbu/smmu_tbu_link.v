`resetall
`timescale 1ns / 1ps
`default_nettype none

// smmu_tbu_link: the TBU's end of the TBU-TCU link (smmu_tbu, docs/architecture.md "The
// TBU-TCU link"). Between the link ports (the names of smmu_tbu's ports, meanings there)
// and the TBU's blocks: i_* is what the blocks see of every TCU -> TBU signal, x_* is
// what the translation queues offer the TCU (2-bit vectors {write, read}, as on the ports).
// LINK_REG (below) chooses between a plain wire and a register stage.
module smmu_tbu_link #(
    parameter SID_W    = 8,
    parameter SSID_W   = 8,
    parameter OAS_BITS = 48,
    parameter WALKERS  = 2,
    parameter LINK_REG = 0,
    parameter PIDX_W   = 5,
    parameter SLOT_W   = 1
) (
    input  wire                 clk,
    input  wire                 rst,

    // ------------------------------------------------ TCU -> TBU, as on smmu_tbu's ports
    input  wire                 smmuen,
    input  wire                 gbpa_abort,
    input  wire [14:0]          g_ovr,
    input  wire [1:0]           c_resp_valid,
    input  wire [PIDX_W-1:0]    c_resp_idx,
    input  wire [2:0]           ans_kind,
    input  wire [SLOT_W-1:0]    ans_slot,
    input  wire [3:0]           ans_cdf,
    input  wire [15:0]          ans_asid,
    input  wire                 ans_rec,
    input  wire [2:0]           ans_rseq,
    input  wire                 rec_pop,
    input  wire [2:0]           rec_pop_seq,
    input  wire [14:0]          ans_ovr,
    input  wire                 w_done,
    input  wire [SLOT_W-1:0]    w_slot,
    input  wire [2:0]           w_fault,
    input  wire [OAS_BITS-1:0]  w_fetch,
    input  wire [OAS_BITS-13:0] w_pa,
    input  wire [1:0]           w_size,
    input  wire [4:0]           w_perm,
    input  wire                 w_stale,
    input  wire                 w_ng,
    input  wire [5:0]           w_ax,
    input  wire                 fill_valid,
    input  wire                 fill_byp,
    input  wire [SID_W-1:0]     fill_sid,
    input  wire [SSID_W-1:0]    fill_ssid,
    input  wire                 fill_ssv,
    input  wire [63:12]         fill_va,
    input  wire                 fill_tbi,
    input  wire [1:0]           fill_size,
    input  wire [15:0]          fill_asid,
    input  wire                 fill_ng,
    input  wire [OAS_BITS-1:12] fill_pa,
    input  wire [4:0]           fill_perm,
    input  wire                 fill_pan,
    input  wire [21:0]          fill_ax,
    input  wire                 tlbi_valid,
    input  wire [7:0]           tlbi_op,
    input  wire [15:0]          tlbi_asid,
    input  wire [63:12]         tlbi_va,
    input  wire                 tlbi_leaf,
    input  wire                 cfgi_valid,
    input  wire [31:0]          cfgi_sid,
    input  wire [31:0]          cfgi_mask,
    input  wire                 e_stall_ok,
    input  wire                 st_avail,
    input  wire [15:0]          st_tag,
    input  wire [1:0]           act_res,
    input  wire [PIDX_W-1:0]    act_idx,
    input  wire                 act_term,
    input  wire [SID_W-1:0]     act_sid,
    input  wire [1:0]           act_kind,
    input  wire [1:0]           c_req_ready,
    input  wire [1:0]           e_ready,

    // ------------------------------------------------ TBU -> TCU, as on smmu_tbu's ports
    output wire [1:0]           c_req_valid,
    output wire [2*PIDX_W-1:0]  c_req_idx,
    output wire [2*SID_W-1:0]   c_sid,
    output wire [2*SSID_W-1:0]  c_ssid,
    output wire [1:0]           c_ssv,
    output wire [127:0]         c_addr,
    output wire [1:0]           c_pnu,
    output wire [1:0]           c_ind,
    output wire                 sync_block,
    output wire                 inv_ack,
    output wire [WALKERS-1:0]   w_hold,
    output wire [1:0]           e_valid,
    output wire [511:0]         e_data,
    output wire [1:0]           e_stall,
    output wire [1:0]           st_alloc,
    output wire [2*PIDX_W-1:0]  st_alloc_idx,
    output wire [2*SID_W-1:0]   st_alloc_sid,

    // ------------------------------------------------ the TBU's view of the TCU's signals
    output wire                 i_smmuen, i_gbpa_abort, i_ans_rec, i_rec_pop, i_fill_valid, i_fill_byp,
                                i_fill_ssv, i_fill_tbi, i_fill_ng, i_fill_pan, i_tlbi_valid, i_tlbi_leaf,
                                i_cfgi_valid, i_e_stall_ok, i_st_avail,
    output wire [14:0]          i_g_ovr, i_ans_ovr,
    output wire [1:0]           i_c_resp_valid, i_fill_size, i_act_kind,
    output wire [PIDX_W-1:0]    i_c_resp_idx,
    output wire [2:0]           i_ans_kind, i_ans_rseq, i_rec_pop_seq,
    output wire [SLOT_W-1:0]    i_ans_slot,
    output wire [3:0]           i_ans_cdf,
    output wire [15:0]          i_ans_asid, i_fill_asid, i_tlbi_asid, i_st_tag,
    output wire                 i_w_done, i_w_stale, i_w_ng,
    output wire [SLOT_W-1:0]    i_w_slot,
    output wire [2:0]           i_w_fault,
    output wire [OAS_BITS-1:0]  i_w_fetch,
    output wire [OAS_BITS-13:0] i_w_pa,
    output wire [1:0]           i_w_size,
    output wire [4:0]           i_w_perm,
    output wire [5:0]           i_w_ax,
    output wire [SID_W-1:0]     i_fill_sid,
    output wire [SSID_W-1:0]    i_fill_ssid,
    output wire [63:12]         i_fill_va, i_tlbi_va,
    output wire [OAS_BITS-1:12] i_fill_pa,
    output wire [4:0]           i_fill_perm,
    output wire [21:0]          i_fill_ax,
    output wire [7:0]           i_tlbi_op,
    output wire [31:0]          i_cfgi_sid, i_cfgi_mask,
    output wire [1:0]           i_act_res,
    output wire [PIDX_W-1:0]    i_act_idx,
    output wire                 i_act_term,
    output wire [SID_W-1:0]     i_act_sid,
    output wire                 inv,             // an invalidation reaches this TBU now

    // ------------------------------------------------ what the queues offer the TCU, and the link's answers
    input  wire [1:0]           x_c_req_valid, x_c_ssv, x_c_pnu, x_c_ind,
    input  wire [2*PIDX_W-1:0]  x_c_req_idx,
    input  wire [2*SID_W-1:0]   x_c_sid,
    input  wire [2*SSID_W-1:0]  x_c_ssid,
    input  wire [127:0]         x_c_addr,
    output wire [1:0]           x_c_req_ready,
    input  wire [1:0]           x_e_valid, x_e_stall, x_st_alloc,
    input  wire [511:0]         x_e_data,
    input  wire [2*PIDX_W-1:0]  x_st_alloc_idx,
    input  wire [2*SID_W-1:0]   x_st_alloc_sid,
    output wire [1:0]           x_e_ready,
    // the TCU allocated the stall tag of a queue's entry, as this TBU sees it (smmu_xlt_q p_tag)
    output wire [1:0]           x_st_held,
    output wire [2*PIDX_W-1:0]  x_st_held_idx,
    input  wire                 x_sync_block,
    input  wire [WALKERS-1:0]   x_w_hold,
    // LINK_REG=1, SMMUEN=0: a configuration request still in the buffer is withdrawn
    output wire [1:0]           c_cancel,
    output wire [2*PIDX_W-1:0]  c_cancel_idx
);

// ------------------------------------------------------------ link stage
// LINK_REG=0: the link ports are the blocks' own signals (same-cycle link).
// LINK_REG=1: every TCU -> TBU signal is registered here, so the TBU sees the
// TCU's messages one cycle late and in the TCU's order (walk results, fills,
// answers and invalidations keep their relative order); the two TBU -> TCU
// streams of each queue (configuration requests, fault records) leave through
// a one-entry buffer whose ready to the queue is its registered "empty", so no
// TCU signal reaches a TBU register combinationally and no TBU signal reaches
// the TCU combinationally either. What the delay changes, and how the TCU
// answers for it (smmu_tcu LINK_REG):
//  * CMD_SYNC: the TBU acknowledges each invalidation (inv_ack, two cycles
//    after it applied it, together with the sync_block that reflects it); the
//    TCU completes a SYNC only once every invalidation it sent is acknowledged.
//    A fault record in the buffer also holds the SYNC (its client may have the
//    response); a stall record does not (the transaction waits).
//  * SMMUEN 1 -> 0: a configuration request still in the buffer is withdrawn
//    (the entry goes back to NEW and takes the GBPA decision); the TCU takes a
//    request only while SMMUEN has been 1 for two cycles, so it never takes one
//    the TBU withdraws. A stall record that reaches the TCU with SMMUEN=0 is
//    dropped (the TBU aborts the stalled transaction itself).
//  * Stall tags: the TCU allocates the tag when it takes the stall record and
//    writes the STAG into it; the TBU's st_avail / e_stall_ok are hints.

// every TCU -> TBU signal, in one vector (registered whole when LINK_REG=1)
localparam DN_W = 1 + 1 + 15 + 2 + PIDX_W + 3 + SLOT_W + 4 + 16 + 1 + 3 + 1 + 3 + 15
                  + 1 + SLOT_W + 3 + OAS_BITS + (OAS_BITS - 12) + 2 + 5 + 1 + 1 + 6
                  + 1 + 1 + SID_W + SSID_W + 1 + 52 + 1 + 2 + 16 + 1 + (OAS_BITS - 12) + 5 + 1 + 22
                  + 1 + 8 + 16 + 52 + 1 + 1 + 32 + 32 + 1 + 1 + 16 + 2 + PIDX_W + 1 + SID_W + 2;
wire [DN_W-1:0] dn_in = {
    smmuen, gbpa_abort, g_ovr, c_resp_valid, c_resp_idx, ans_kind, ans_slot, ans_cdf, ans_asid,
    ans_rec, ans_rseq, rec_pop, rec_pop_seq, ans_ovr, w_done, w_slot, w_fault, w_fetch, w_pa, w_size,
    w_perm, w_stale, w_ng, w_ax, fill_valid, fill_byp, fill_sid, fill_ssid, fill_ssv, fill_va,
    fill_tbi, fill_size, fill_asid, fill_ng, fill_pa, fill_perm, fill_pan, fill_ax, tlbi_valid,
    tlbi_op, tlbi_asid, tlbi_va, tlbi_leaf, cfgi_valid, cfgi_sid, cfgi_mask, e_stall_ok, st_avail,
    st_tag, act_res, act_idx, act_term, act_sid, act_kind};
wire [DN_W-1:0] dn_out;

generate
    if (LINK_REG == 0) begin : g_link_wire
        assign dn_out = dn_in;
        assign c_req_valid   = x_c_req_valid;
        assign c_req_idx     = x_c_req_idx;
        assign c_sid         = x_c_sid;
        assign c_ssid        = x_c_ssid;
        assign c_ssv         = x_c_ssv;
        assign c_addr        = x_c_addr;
        assign c_pnu         = x_c_pnu;
        assign c_ind         = x_c_ind;
        assign x_c_req_ready = c_req_ready;
        assign e_valid       = x_e_valid;
        assign e_data        = x_e_data;
        assign e_stall       = x_e_stall;
        assign x_e_ready     = e_ready;
        assign st_alloc      = x_st_alloc;
        assign st_alloc_idx  = x_st_alloc_idx;
        assign x_st_held     = x_st_alloc;
        assign x_st_held_idx = x_st_alloc_idx;
        assign st_alloc_sid  = x_st_alloc_sid;
        assign sync_block    = x_sync_block;
        assign w_hold        = x_w_hold;
        assign inv_ack       = 1'b0;
        assign c_cancel      = 2'b00;
        assign c_cancel_idx  = {(2*PIDX_W){1'b0}};
        wire unused_clk = &{1'b0, clk, rst};          // no register here
    end else begin : g_link_reg
        reg [DN_W-1:0] dn_reg;
        always @(posedge clk)
            if (rst) dn_reg <= {DN_W{1'b0}};
            else     dn_reg <= dn_in;
        assign dn_out = dn_reg;

        // configuration requests: one-entry buffer per queue
        localparam CQ_W = PIDX_W + SID_W + SSID_W + 1 + 64 + 2;
        reg  [1:0]      cb_v;
        reg  [CQ_W-1:0] cb_d [0:1];
        // fault records: one-entry buffer per queue
        localparam EQ_W     = 256 + 1 + PIDX_W + SID_W;
        localparam EQ_STALL = PIDX_W + SID_W;      // the stall bit in a buffered record
        reg  [1:0]      eb_v;
        reg  [EQ_W-1:0] eb_d [0:1];
        reg  [1:0]      ack_pipe;
        reg             sync_reg;
        reg [WALKERS-1:0] hold_reg;
        genvar d;
        for (d = 0; d < 2; d = d + 1) begin : g_dir
            wire [CQ_W-1:0] cq_in = {x_c_req_idx[d*PIDX_W +: PIDX_W], x_c_sid[d*SID_W +: SID_W],
                                     x_c_ssid[d*SSID_W +: SSID_W], x_c_ssv[d], x_c_addr[d*64 +: 64],
                                     x_c_pnu[d], x_c_ind[d]};
            wire [EQ_W-1:0] eq_in = {x_e_data[d*256 +: 256], x_e_stall[d], x_st_alloc_idx[d*PIDX_W +: PIDX_W],
                                     x_st_alloc_sid[d*SID_W +: SID_W]};
            // a take, as the TCU gives it (the queue's entry leaves NEW on ready alone)
            assign x_c_req_ready[d] = !cb_v[d] && x_c_req_valid[d];
            assign x_e_ready[d]     = !eb_v[d];
            assign {c_req_idx[d*PIDX_W +: PIDX_W], c_sid[d*SID_W +: SID_W], c_ssid[d*SSID_W +: SSID_W],
                    c_ssv[d], c_addr[d*64 +: 64], c_pnu[d], c_ind[d]} = cb_d[d];
            assign c_req_valid[d]   = cb_v[d];
            assign {e_data[d*256 +: 256], e_stall[d], st_alloc_idx[d*PIDX_W +: PIDX_W],
                    st_alloc_sid[d*SID_W +: SID_W]} = eb_d[d];
            assign e_valid[d]       = eb_v[d];
            assign st_alloc[d]      = 1'b0;            // the TCU allocates (smmu_tcu)
            // SMMUEN=0 seen here: a request the TCU has not taken is withdrawn
            assign c_cancel[d]      = cb_v[d] && !i_smmuen;
            assign c_cancel_idx[d*PIDX_W +: PIDX_W] = cb_d[d][CQ_W-1 -: PIDX_W];
            always @(posedge clk) begin
                if (rst) begin
                    cb_v[d] <= 1'b0;
                    eb_v[d] <= 1'b0;
                end else begin
                    if (cb_v[d] && (c_req_ready[d] || c_cancel[d]))
                        cb_v[d] <= 1'b0;
                    else if (!cb_v[d] && x_c_req_valid[d])
                        cb_v[d] <= 1'b1;
                    if (eb_v[d] && e_ready[d])
                        eb_v[d] <= 1'b0;
                    else if (!eb_v[d] && x_e_valid[d])
                        eb_v[d] <= 1'b1;
                end
                if (!cb_v[d])
                    cb_d[d] <= cq_in;
                if (!eb_v[d])
                    eb_d[d] <= eq_in;
            end
        end
        always @(posedge clk) begin
            if (rst) begin
                ack_pipe <= 2'b00;
                sync_reg <= 1'b0;
                hold_reg <= {WALKERS{1'b0}};
            end else begin
                hold_reg <= x_w_hold;
                ack_pipe <= {ack_pipe[0], inv};
                // a fault record in the buffer holds CMD_SYNC; a stall record does not
                sync_reg <= x_sync_block;
            end
        end
        // a stall record leaving the record buffer: the TCU allocates its tag in that
        // cycle (or drops it with SMMUEN=0: the entry is aborted then); registered, so
        // the queue sees the allocation as late as it sees the TCU's stall actions
        reg [1:0]          held_reg;
        reg [2*PIDX_W-1:0] held_idx_reg;
        always @(posedge clk) begin
            if (rst)
                held_reg <= 2'b00;
            else
                held_reg <= {eb_v[1] && e_ready[1] && eb_d[1][EQ_STALL],
                             eb_v[0] && e_ready[0] && eb_d[0][EQ_STALL]};
            held_idx_reg <= {eb_d[1][SID_W +: PIDX_W], eb_d[0][SID_W +: PIDX_W]};
        end
        assign x_st_held     = held_reg;
        assign x_st_held_idx = held_idx_reg;
        assign inv_ack    = ack_pipe[1];
        assign w_hold     = hold_reg;
        assign sync_block = sync_reg || (eb_v[0] && !eb_d[0][EQ_STALL]) || (eb_v[1] && !eb_d[1][EQ_STALL]);
        wire unused_st_alloc = &{1'b0, x_st_alloc};    // the TCU allocates the tags
    end
endgenerate
assign {i_smmuen, i_gbpa_abort, i_g_ovr, i_c_resp_valid, i_c_resp_idx, i_ans_kind, i_ans_slot,
        i_ans_cdf, i_ans_asid, i_ans_rec, i_ans_rseq, i_rec_pop, i_rec_pop_seq, i_ans_ovr, i_w_done,
        i_w_slot, i_w_fault, i_w_fetch, i_w_pa, i_w_size, i_w_perm, i_w_stale, i_w_ng, i_w_ax, i_fill_valid,
        i_fill_byp, i_fill_sid, i_fill_ssid, i_fill_ssv, i_fill_va, i_fill_tbi, i_fill_size,
        i_fill_asid, i_fill_ng, i_fill_pa, i_fill_perm, i_fill_pan, i_fill_ax, i_tlbi_valid,
        i_tlbi_op, i_tlbi_asid, i_tlbi_va, i_tlbi_leaf, i_cfgi_valid, i_cfgi_sid, i_cfgi_mask,
        i_e_stall_ok, i_st_avail, i_st_tag, i_act_res, i_act_idx, i_act_term, i_act_sid, i_act_kind} = dn_out;
assign inv = i_tlbi_valid || i_cfgi_valid;

endmodule

`resetall
