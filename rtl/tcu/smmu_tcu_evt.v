`resetall
`timescale 1ns / 1ps
`default_nettype none

// Fault records and stall tags of the TCU (smmu_tcu): the event queue (evtq_inst) with its
// record sources, source 0 the configuration engine and source 1+q translation queue q, and
// the stall tags (stall_inst) the records of stalled transactions carry.
//
// The TCU allocates a stall tag when the event queue takes a stall record (at most one
// record per cycle, so at most one queue allocates a tag in a cycle) and writes its STAG
// into the record; a stall record is offered to the event queue only while a tag is free,
// and one that arrives with SMMUEN=0 is dropped (the TBU aborts the transaction itself).
// The stall unit turns CMD_RESUME / CMD_STALL_TERM (smmu_cmdq) into actions on the queues'
// stalled entries. The event queue writes the records on m_axi_tw AW/W/B (the constant
// fields of that channel are smmu_tcu's).
module smmu_tcu_evt #(
    parameter OAS_BITS  = 48,
    parameter SID_W     = 8,
    parameter PIDX_W    = 5,
    parameter NQ        = 2,
    parameter QW        = 1,
    parameter STALL_MAX = 16
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   smmuen,

    // the link: fault records and stalls, per queue
    input  wire [NQ-1:0]          e_valid,
    input  wire [NQ*256-1:0]      e_data,
    input  wire [NQ-1:0]          e_stall,
    output wire [NQ-1:0]          e_ready,
    output wire                   e_stall_ok,
    output wire                   st_avail,
    output wire [15:0]            st_tag,
    input  wire [NQ*PIDX_W-1:0]   st_alloc_idx,
    input  wire [NQ*SID_W-1:0]    st_alloc_sid,
    output wire [NQ-1:0]          act_res,
    output wire [PIDX_W-1:0]      act_idx,
    output wire                   act_term,
    output wire [SID_W-1:0]       act_sid,
    output wire [1:0]             act_kind,
    output wire [NQ-1:0]          e_ready_q,     // the event queue took queue q's record
    output wire [NQ-1:0]          e_alloc,       // ... a stall record: its queue allocates a tag
    output wire                   can_write,     // the event queue can write a record now

    // the configuration engine's records
    input  wire [255:0]           cfg_evt_data,
    input  wire                   cfg_evt_valid,
    output wire                   cfg_evt_ready,

    // CMD_RESUME / CMD_STALL_TERM (smmu_cmdq)
    input  wire                   resume_valid,
    input  wire [31:0]            resume_sid,
    input  wire [15:0]            resume_stag,
    input  wire [1:0]             resume_resp,
    input  wire                   stall_term_valid,
    input  wire [31:0]            stall_term_sid,

    // the event-queue registers (smmu_regs)
    input  wire                   evtq_en,
    input  wire                   abt_active,
    input  wire [OAS_BITS-1:0]    base,
    input  wire [4:0]             log2size,
    input  wire [31:0]            prod,
    input  wire [31:0]            cons,
    output wire                   prod_we,
    output wire [31:0]            prod_wdata,
    output wire                   abt_err,
    output wire                   busy,

    // m_axi_tw AW/W/B: the record writes
    output wire [OAS_BITS-1:0]    m_axi_tw_awaddr,
    output wire [7:0]             m_axi_tw_awlen,
    output wire                   m_axi_tw_awvalid,
    input  wire                   m_axi_tw_awready,
    output wire [63:0]            m_axi_tw_wdata,
    output wire                   m_axi_tw_wlast,
    output wire                   m_axi_tw_wvalid,
    input  wire                   m_axi_tw_wready,
    input  wire [1:0]             m_axi_tw_bresp,
    input  wire                   m_axi_tw_bvalid,
    output wire                   m_axi_tw_bready
);

// ------------------------------------------------------------ stall tags
wire [5:0]  stalls_outstanding;
wire [31:0] cnt_stalls, cnt_st_retry, cnt_st_abort, cnt_st_term, cnt_st_nomatch;
wire [QW-1:0] st_q;
wire          st_any;
assign e_alloc = e_valid & e_ready_q & e_stall;
// (a drop needs SMMUEN low for two cycles in a row to be exact: the TBU must see
// SMMUEN=0 and abort the entry the cycle after; smmu_regs cannot complete two CR0
// writes in consecutive cycles, so SMMUEN is never low for one cycle only)
wire [NQ-1:0] e_drop  = e_valid & e_stall & {NQ{!smmuen}};
assign e_ready = e_ready_q | e_drop;

smmu_rr_first #(.N(NQ), .IDX_W(QW)) st_q_inst (
    .req(e_alloc), .from({QW{1'b0}}), .any(st_any), .idx(st_q)
);

smmu_stallq #(.STALL_MAX(STALL_MAX), .SID_W(SID_W), .PIDX_W(PIDX_W), .NQ(NQ), .QW(QW)) stall_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen),
    .alloc_valid(st_any), .alloc_q(st_q),
    .alloc_idx(st_alloc_idx[st_q * PIDX_W +: PIDX_W]),
    .alloc_sid(st_alloc_sid[st_q * SID_W +: SID_W]),
    .avail(st_avail), .next_tag(st_tag),
    .resume_valid(resume_valid), .resume_sid(resume_sid), .resume_stag(resume_stag),
    .resume_resp(resume_resp), .stall_term_valid(stall_term_valid), .stall_term_sid(stall_term_sid),
    .act_res(act_res), .act_idx(act_idx), .act_term(act_term), .act_sid(act_sid), .act_kind(act_kind),
    .outstanding(stalls_outstanding), .cnt_stalls(cnt_stalls), .cnt_retry(cnt_st_retry),
    .cnt_abort(cnt_st_abort), .cnt_term(cnt_st_term), .cnt_nomatch(cnt_st_nomatch)
);

// ------------------------------------------------------------ event queue
reg [NQ*256-1:0] e_data_tag;        // stall records carry the tag allocated now
always @* begin
    e_data_tag = e_data;
    for (integer k = 0; k < NQ; k = k + 1)
        if (e_stall[k])
            e_data_tag[k*256 + 64 +: 16] = st_tag;
end
wire [31:0] cnt_evt_written, cnt_evt_dropped;
// e_stall_ok to the TBUs is registered (a hint, like st_avail: the event queue
// takes a stall record only while it can write one now), so the link's event
// valid does not wait for the queue-full compare of EVENTQ_PROD / CONS
reg  e_stall_ok_q;
always @(posedge clk) e_stall_ok_q <= !rst && can_write;
assign e_stall_ok = e_stall_ok_q;

smmu_evtq #(.OAS_BITS(OAS_BITS), .N_SRC(1 + NQ)) evtq_inst (
    .clk(clk), .rst(rst),
    .evtq_en(evtq_en), .abt_active(abt_active), .base(base), .log2size(log2size),
    .prod(prod), .cons(cons),
    .prod_we(prod_we), .prod_wdata(prod_wdata), .abt_err(abt_err),
    .busy(busy), .can_write(can_write),
    .rec_data({e_data_tag, cfg_evt_data}), .rec_stall({e_stall, 1'b0}),
    .rec_valid({e_valid & (~e_stall | {NQ{st_avail && smmuen}}), cfg_evt_valid}),
    .rec_ready({e_ready_q, cfg_evt_ready}),
    .cnt_written(cnt_evt_written), .cnt_dropped(cnt_evt_dropped),
    .m_axi_tw_awaddr(m_axi_tw_awaddr), .m_axi_tw_awlen(m_axi_tw_awlen),
    .m_axi_tw_awvalid(m_axi_tw_awvalid), .m_axi_tw_awready(m_axi_tw_awready),
    .m_axi_tw_wdata(m_axi_tw_wdata), .m_axi_tw_wlast(m_axi_tw_wlast),
    .m_axi_tw_wvalid(m_axi_tw_wvalid), .m_axi_tw_wready(m_axi_tw_wready),
    .m_axi_tw_bresp(m_axi_tw_bresp), .m_axi_tw_bvalid(m_axi_tw_bvalid),
    .m_axi_tw_bready(m_axi_tw_bready)
);

`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen)
    assert({26'd0, stalls_outstanding} <= STALL_MAX);   // stall count never above STALL_MAX
`endif

// Counters are read by the testbench through the hierarchy.
wire unused_ok = &{1'b0, stalls_outstanding, cnt_stalls, cnt_st_retry, cnt_st_abort,
                   cnt_st_term, cnt_st_nomatch, cnt_evt_written, cnt_evt_dropped};

endmodule

`resetall
