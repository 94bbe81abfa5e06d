`resetall
`timescale 1ns / 1ps
`default_nettype none

// smmu_tcu: Translation Control Unit, the shared part of the SMMU
// (docs/architecture.md "TBU and TCU"): the register file, the configuration
// engine and cache, the walk control with the page-table walkers, walk caches
// and main TLB, the command queue, the event queue, the stall tags and the
// m_axi_tw reader arbiter. It serves NT TBUs over the link (smmu_tbu.v): NQ =
// 2*NT translation queues, queue 2t = reads and 2t+1 = writes of TBU t. Every
// per-queue link vector holds queue q at [q*W +: W]; the per-TBU vectors
// (configuration answer index, stall-action masks) hold TBU t at [t*W +: W].
//
// Arbitration: configuration requests round-robin over the NQ queues (one
// lookup at a time, and only while a walker is free so an answer needing a
// walk always gets one); fault records round-robin in the event queue (source
// 0 the configuration engine, source 1+q queue q). Walk results, micro-TLB
// fills and TLBI/CFGI go to every TBU.
// Its parts: smmu_tcu_cfg_req (configuration requests), smmu_tcu_inv_ack,
// smmu_tcu_evt (event queue and stall tags), smmu_tcu_check (sim/formal checks).
module smmu_tcu #(
    parameter SID_W       = 8,
    parameter SSID_W      = 8,
    parameter OAS_BITS    = 48,
    parameter STALL_MAX   = 16,
    parameter STALL_MODEL = 0,
    parameter XLT_SLOTS   = 24,
    parameter WALKERS     = 2,
    parameter CFG_ENTRIES = 8,
    parameter WCACHE_ENTRIES = 4,
    parameter NT          = 1,     // TBUs
    parameter LINK_REG    = 0,     // 1: the TBUs register the link (smmu_tbu LINK_REG)
    parameter PIDX_W      = $clog2(XLT_SLOTS),
    parameter SLOT_W      = (WALKERS > 1) ? $clog2(WALKERS) : 1
) (
    input  wire                 clk,
    input  wire                 rst,

    // ------------------------------------------------ m_axi_tw: SMMU's own accesses
    output wire [3:0]           m_axi_tw_awid,
    output wire [OAS_BITS-1:0]  m_axi_tw_awaddr,
    output wire [7:0]           m_axi_tw_awlen,
    output wire [2:0]           m_axi_tw_awsize,
    output wire [1:0]           m_axi_tw_awburst,
    output wire                 m_axi_tw_awlock,
    output wire [3:0]           m_axi_tw_awcache,
    output wire [2:0]           m_axi_tw_awprot,
    output wire [1:0]           m_axi_tw_awdomain,
    output wire                 m_axi_tw_awvalid,
    input  wire                 m_axi_tw_awready,
    output wire [63:0]          m_axi_tw_wdata,
    output wire [7:0]           m_axi_tw_wstrb,
    output wire                 m_axi_tw_wlast,
    output wire                 m_axi_tw_wvalid,
    input  wire                 m_axi_tw_wready,
    input  wire [3:0]           m_axi_tw_bid,
    input  wire [1:0]           m_axi_tw_bresp,
    input  wire                 m_axi_tw_bvalid,
    output wire                 m_axi_tw_bready,
    output wire [3:0]           m_axi_tw_arid,
    output wire [OAS_BITS-1:0]  m_axi_tw_araddr,
    output wire [7:0]           m_axi_tw_arlen,
    output wire [2:0]           m_axi_tw_arsize,
    output wire [1:0]           m_axi_tw_arburst,
    output wire                 m_axi_tw_arlock,
    output wire [3:0]           m_axi_tw_arcache,
    output wire [2:0]           m_axi_tw_arprot,
    output wire [1:0]           m_axi_tw_ardomain,
    output wire                 m_axi_tw_arvalid,
    input  wire                 m_axi_tw_arready,
    input  wire [3:0]           m_axi_tw_rid,
    input  wire [63:0]          m_axi_tw_rdata,
    input  wire [1:0]           m_axi_tw_rresp,
    input  wire                 m_axi_tw_rlast,
    input  wire                 m_axi_tw_rvalid,
    output wire                 m_axi_tw_rready,

    // ------------------------------------------------ s_axil: programming interface
    input  wire [16:0]          s_axil_awaddr,
    input  wire [2:0]           s_axil_awprot,
    input  wire                 s_axil_awvalid,
    output wire                 s_axil_awready,
    input  wire [31:0]          s_axil_wdata,
    input  wire [3:0]           s_axil_wstrb,
    input  wire                 s_axil_wvalid,
    output wire                 s_axil_wready,
    output wire [1:0]           s_axil_bresp,
    output wire                 s_axil_bvalid,
    input  wire                 s_axil_bready,
    input  wire [16:0]          s_axil_araddr,
    input  wire [2:0]           s_axil_arprot,
    input  wire                 s_axil_arvalid,
    output wire                 s_axil_arready,
    output wire [31:0]          s_axil_rdata,
    output wire [1:0]           s_axil_rresp,
    output wire                 s_axil_rvalid,
    input  wire                 s_axil_rready,

    output wire                 evtq_irq,
    output wire                 gerror_irq,
    output wire                 cmdq_sync_irq,

    // ------------------------------------------------ link: global state
    output wire                 smmuen,
    output wire                 gbpa_abort,
    output wire [14:0]          g_ovr,

    // ------------------------------------------------ link: configuration requests (per queue)
    input  wire [2*NT-1:0]          c_req_valid,
    input  wire [2*NT*PIDX_W-1:0]   c_req_idx,
    input  wire [2*NT*SID_W-1:0]    c_sid,
    input  wire [2*NT*SSID_W-1:0]   c_ssid,
    input  wire [2*NT-1:0]          c_ssv,
    input  wire [2*NT*64-1:0]       c_addr,
    input  wire [2*NT-1:0]          c_pnu,
    input  wire [2*NT-1:0]          c_ind,
    output wire [2*NT-1:0]          c_req_ready,

    // ------------------------------------------------ link: configuration answers
    output wire [2*NT-1:0]      c_resp_valid,
    output wire [PIDX_W-1:0]    c_resp_idx,
    output wire [2:0]           ans_kind,
    output wire [SLOT_W-1:0]    ans_slot,
    output wire [3:0]           ans_cdf,
    output wire [15:0]          ans_asid,
    output wire                 ans_rec,
    output wire [2:0]           ans_rseq,
    output wire                 rec_pop,
    output wire [2:0]           rec_pop_seq,
    output wire [14:0]          ans_ovr,

    // ------------------------------------------------ link: walk results
    // (one message a cycle: walk slot w_slot ended; smmu_walk)
    output wire                           w_done,
    output wire [SLOT_W-1:0]              w_slot,
    output wire [2:0]                     w_fault,
    output wire [OAS_BITS-1:0]            w_fetch,
    output wire [OAS_BITS-13:0]           w_pa,
    output wire [1:0]                     w_size,
    output wire [4:0]                     w_perm,
    output wire                           w_stale,
    output wire                           w_ng,
    output wire [5:0]                     w_ax,

    // ------------------------------------------------ link: micro-TLB fill
    output wire                 fill_valid,
    output wire                 fill_byp,
    output wire [SID_W-1:0]     fill_sid,
    output wire [SSID_W-1:0]    fill_ssid,
    output wire                 fill_ssv,
    output wire [63:12]         fill_va,
    output wire                 fill_tbi,
    output wire [1:0]           fill_size,
    output wire [15:0]          fill_asid,
    output wire                 fill_ng,
    output wire [OAS_BITS-1:12] fill_pa,
    output wire [4:0]           fill_perm,
    output wire                 fill_pan,
    output wire [21:0]          fill_ax,

    // ------------------------------------------------ link: invalidation
    output wire                 tlbi_valid,
    output wire [7:0]           tlbi_op,
    output wire [15:0]          tlbi_asid,
    output wire [63:12]         tlbi_va,
    output wire                 tlbi_leaf,
    output wire                 cfgi_valid,
    output wire [31:0]          cfgi_sid,
    output wire [31:0]          cfgi_mask,
    input  wire [NT-1:0]        sync_block,
    input  wire [NT-1:0]        inv_ack,       // LINK_REG=1: TBU t applied an invalidation
    input  wire [NT*WALKERS-1:0] w_hold,       // TBU t still reads these walk slots' results

    // ------------------------------------------------ link: fault records and stalls (per queue)
    input  wire [2*NT-1:0]          e_valid,
    input  wire [2*NT*256-1:0]      e_data,
    input  wire [2*NT-1:0]          e_stall,
    output wire [2*NT-1:0]          e_ready,
    output wire                     e_stall_ok,
    output wire                     st_avail,
    output wire [15:0]              st_tag,
    input  wire [2*NT-1:0]          st_alloc,      // (LINK_REG=0: checked against the TCU's own)
    input  wire [2*NT*PIDX_W-1:0]   st_alloc_idx,
    input  wire [2*NT*SID_W-1:0]    st_alloc_sid,
    output wire [2*NT-1:0]          act_res,       // stall actions (smmu_stallq)
    output wire [PIDX_W-1:0]        act_idx,
    output wire                     act_term,
    output wire [SID_W-1:0]         act_sid,
    output wire [1:0]               act_kind,

    input  wire [2*NT*(PIDX_W+1)-1:0] n_cfg_wait
);

`include "smmu_cd.vh"
`include "smmu_attr.vh"

localparam NQ  = 2 * NT;
localparam QW  = (NQ > 1) ? $clog2(NQ) : 1;
localparam NW  = WALKERS;
localparam PEND = XLT_SLOTS;

wire gbpa_abort_w, evtq_en, cmdq_en, cmdq_en_req, recinvsid, cmdq_err_active, evtq_abt_active;
wire [OAS_BITS-1:0] strtab_base, cmdq_base, evtq_base;
wire [5:0]  strtab_log2size;
wire [4:0]  cmdq_log2size, evtq_log2size;
wire [31:0] cmdq_prod, cmdq_cons, evtq_prod, evtq_cons;
wire        cmdq_cons_we, evtq_prod_we, gerror_cmdq, gerror_evtq_abt;
wire [31:0] cmdq_cons_wdata, evtq_prod_wdata;
wire        cmdq_busy, evtq_busy;
wire [31:0] gbpa;
wire [11:0] cr1;
wire        strtab_ra, cmdq_ra, evtq_wa;

// ------------------------------------------------------------ register file
smmu_regs #(
    .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS),
    .STALL_MAX(STALL_MAX), .STALL_MODEL(STALL_MODEL)
) regs_inst (
    .clk(clk), .rst(rst),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot),
    .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
    .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready),
    .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready),
    .s_axil_araddr(s_axil_araddr), .s_axil_arprot(s_axil_arprot),
    .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
    .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
    .smmuen(smmuen), .gbpa_abort(gbpa_abort_w), .gbpa(gbpa), .cr1(cr1), .strtab_ra(strtab_ra),
    .cmdq_ra(cmdq_ra), .evtq_wa(evtq_wa), .cmdq_en(cmdq_en), .cmdq_en_req(cmdq_en_req), .evtq_en(evtq_en),
    .recinvsid(recinvsid), .strtab_base(strtab_base), .strtab_log2size(strtab_log2size),
    .cmdq_base(cmdq_base), .cmdq_log2size(cmdq_log2size), .cmdq_prod(cmdq_prod),
    .cmdq_cons(cmdq_cons), .cmdq_err_active(cmdq_err_active),
    .evtq_base(evtq_base), .evtq_log2size(evtq_log2size), .evtq_prod(evtq_prod),
    .evtq_cons(evtq_cons), .evtq_abt_active(evtq_abt_active),
    .hw_cmdq_cons_we(cmdq_cons_we), .hw_cmdq_cons(cmdq_cons_wdata),
    .hw_evtq_prod_we(evtq_prod_we), .hw_evtq_prod(evtq_prod_wdata),
    .hw_gerror_cmdq(gerror_cmdq), .hw_gerror_evtq_abt(gerror_evtq_abt),
    .cmdq_busy_hw(cmdq_busy), .evtq_busy_hw(evtq_busy),
    .evtq_irq(evtq_irq), .gerror_irq(gerror_irq)
);
assign gbpa_abort = gbpa_abort_w;
assign g_ovr      = gbpa_ovr(gbpa);

// ------------------------------------------------------------ configuration requests
// round-robin over the NQ queues, only while a walker is free (smmu_tcu_cfg_req)
wire                cfg_req_valid, cfg_req_ready, cfg_resp_valid, cfg_resp_cacheable;
wire                cfg_take;       // a request is taken (read by the testbench)
wire [QW+PIDX_W-1:0] cfg_req_tag, cfg_resp_tag;
wire [1:0]          cfg_resp_kind;
wire [CD_W-1:0]     cfg_resp_cd;
wire [SID_W-1:0]    cfg_req_sid;
wire [SSID_W-1:0]   cfg_req_ssid;
wire [63:0]         cfg_req_addr;
wire                cfg_req_ssv, cfg_req_rnw, cfg_req_pnu, cfg_req_ind;
wire                walk_slot_free, walk_sync_block, walk_busy;

smmu_tcu_cfg_req #(.NQ(NQ), .QW(QW), .PIDX_W(PIDX_W), .SID_W(SID_W), .SSID_W(SSID_W),
                   .LINK_REG(LINK_REG)) cfg_req_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen), .slot_free(walk_slot_free),
    .c_req_valid(c_req_valid), .c_req_idx(c_req_idx), .c_sid(c_sid), .c_ssid(c_ssid), .c_ssv(c_ssv),
    .c_addr(c_addr), .c_pnu(c_pnu), .c_ind(c_ind), .c_req_ready(c_req_ready),
    .c_resp_valid(c_resp_valid), .c_resp_idx(c_resp_idx),
    .req_valid(cfg_req_valid), .req_ready(cfg_req_ready), .take(cfg_take), .req_tag(cfg_req_tag),
    .req_sid(cfg_req_sid), .req_ssid(cfg_req_ssid), .req_ssv(cfg_req_ssv), .req_addr(cfg_req_addr),
    .req_rnw(cfg_req_rnw), .req_pnu(cfg_req_pnu), .req_ind(cfg_req_ind),
    .resp_valid(cfg_resp_valid), .resp_tag(cfg_resp_tag)
);

// ------------------------------------------------------------ walk control
assign ans_asid = cfg_resp_cd[CD_ASID_LSB +: 16];
assign ans_ovr  = cfg_resp_cd[CD_OVR_LSB +: OVR_W];
assign ans_cdf  = {cfg_resp_cd[CD_PAN], cfg_resp_cd[CD_S], cfg_resp_cd[CD_R], cfg_resp_cd[CD_A]};
wire [31:0] cnt_walks, cnt_merges;

localparam N_RD = 2 + NW;         // 0: configuration engine, 1: command queue, 2..: walkers
wire [N_RD*OAS_BITS-1:0] tw_rd_addr;
wire [N_RD*8-1:0]        tw_rd_len;
wire [N_RD*6-1:0]        tw_rd_attr;
wire [N_RD-1:0]          tw_rd_valid, tw_rd_ready, tw_rd_rvalid;
wire [63:0]              tw_rdata;
wire [1:0]               tw_rresp;
wire                     tw_rlast;

// a walk slot any TBU still reads
reg [NW-1:0] w_hold_any;
always @* begin
    w_hold_any = {NW{1'b0}};
    for (integer t = 0; t < NT; t = t + 1)
        w_hold_any = w_hold_any | w_hold[t*NW +: NW];
end

smmu_walk #(.NW(NW), .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS), .SLOT_W(SLOT_W),
            .WC_ENTRIES(WCACHE_ENTRIES), .HOLD_LAG(2 * LINK_REG)) walk_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen),
    .req_fire(cfg_take), .req_sid(cfg_req_sid), .req_ssid(cfg_req_ssid),
    .req_ssv(cfg_req_ssv), .req_va(cfg_req_addr), .slot_free(walk_slot_free), .slot_hold(w_hold_any),
    .sync_block(walk_sync_block), .busy(walk_busy),
    .resp_valid(cfg_resp_valid), .resp_kind(cfg_resp_kind), .resp_cd(cfg_resp_cd),
    .resp_cacheable(cfg_resp_cacheable), .ans_kind(ans_kind), .ans_slot(ans_slot),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .w_done(w_done), .w_slot(w_slot), .w_stale(w_stale), .w_ng(w_ng),
    .w_fault(w_fault), .w_fetch(w_fetch), .w_pa(w_pa), .w_size(w_size), .w_perm(w_perm),
    .w_ax(w_ax), .rd_attr(tw_rd_attr[2*6 +: NW*6]),
    .rd_addr(tw_rd_addr[2*OAS_BITS +: NW*OAS_BITS]), .rd_valid(tw_rd_valid[2 +: NW]),
    .rd_ready(tw_rd_ready[2 +: NW]), .rd_rvalid(tw_rd_rvalid[2 +: NW]), .rd_rdata(tw_rdata),
    .rd_rresp(tw_rresp),
    .fill_valid(fill_valid), .fill_byp(fill_byp), .fill_sid(fill_sid), .fill_ssid(fill_ssid),
    .fill_ssv(fill_ssv), .fill_va(fill_va), .fill_tbi(fill_tbi), .fill_size(fill_size),
    .fill_asid(fill_asid), .fill_ng(fill_ng), .fill_pa(fill_pa), .fill_perm(fill_perm),
    .fill_pan(fill_pan), .fill_ax(fill_ax),
    .cnt_walks(cnt_walks), .cnt_merges(cnt_merges)
);
assign tw_rd_len[2*8 +: NW*8] = {NW{8'd0}};   // one descriptor per read

// ------------------------------------------------------------ fault records and stall tags
// (smmu_tcu_evt: the event queue and the stall tags its stall records carry)
wire        resume_valid, stall_term_valid;
wire [15:0] resume_stag;
wire [31:0] resume_sid, stall_term_sid;
wire [1:0]  resume_resp;
wire [NQ-1:0] e_ready_q, e_alloc;
wire          evtq_can_write;

// ------------------------------------------------------------ walker-port readers
smmu_tw_rd_arb #(.N_RD(N_RD), .OAS_BITS(OAS_BITS)) tw_rd_arb_inst (
    .clk(clk), .rst(rst),
    .rd_addr(tw_rd_addr), .rd_len(tw_rd_len), .rd_attr(tw_rd_attr), .rd_valid(tw_rd_valid),
    .rd_ready(tw_rd_ready),
    .rd_rvalid(tw_rd_rvalid), .rd_rdata(tw_rdata), .rd_rresp(tw_rresp), .rd_rlast(tw_rlast),
    .m_axi_tw_arid(m_axi_tw_arid), .m_axi_tw_araddr(m_axi_tw_araddr), .m_axi_tw_arlen(m_axi_tw_arlen),
    .m_axi_tw_arcache(m_axi_tw_arcache), .m_axi_tw_ardomain(m_axi_tw_ardomain),
    .m_axi_tw_arvalid(m_axi_tw_arvalid), .m_axi_tw_arready(m_axi_tw_arready),
    .m_axi_tw_rid(m_axi_tw_rid), .m_axi_tw_rdata(m_axi_tw_rdata), .m_axi_tw_rresp(m_axi_tw_rresp),
    .m_axi_tw_rlast(m_axi_tw_rlast), .m_axi_tw_rvalid(m_axi_tw_rvalid), .m_axi_tw_rready(m_axi_tw_rready)
);

assign m_axi_tw_arsize  = 3'd3;    // 64-bit beats
assign m_axi_tw_arburst = 2'b01;   // INCR
assign m_axi_tw_arlock  = 1'b0;
// the SMMU's own accesses are Data, Privileged, Non-secure (IHI 0070 13.1.2); ARCACHE/ARDOMAIN
// per reader (13.8): configuration engine (STE: CR1.TABLE_*, STRTAB_BASE.RA; CD: STE.S1C*),
// command queue (CR1.QUEUE_*, CMDQ_BASE.RA), walkers (CD.IR0/OR0/SH0)
assign m_axi_tw_arprot  = 3'b011;
assign tw_rd_attr[6 +: 6] = own_attr(cr1[1:0] == 2'b01, cr1[3:2] == 2'b01, cmdq_ra, 1'b0, cr1[5:4], 1'b1);

// ------------------------------------------------------------ configuration engine
wire [255:0] cfg_evt_data;
wire         cfg_evt_valid, cfg_evt_ready;
wire         cfg_sync_block;
wire [31:0]  cnt_cfg_hit, cnt_cfg_miss;

smmu_cfg #(
    .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS), .CFG_ENTRIES(CFG_ENTRIES),
    .STALL_MODEL(STALL_MODEL), .TAG_W(QW + PIDX_W)
) cfg_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen),
    .strtab_base(strtab_base), .strtab_log2size(strtab_log2size), .recinvsid(recinvsid),
    .table_attr(cr1[11:6]), .strtab_ra(strtab_ra),
    .req_valid(cfg_req_valid), .req_ready(cfg_req_ready),
    .req_tag(cfg_req_tag),
    .req_sid(cfg_req_sid), .req_ssid(cfg_req_ssid), .req_ssv(cfg_req_ssv), .req_addr(cfg_req_addr),
    .req_rnw(cfg_req_rnw), .req_pnu(cfg_req_pnu), .req_ind(cfg_req_ind),
    .resp_valid(cfg_resp_valid), .resp_tag(cfg_resp_tag), .resp_kind(cfg_resp_kind),
    .resp_cd(cfg_resp_cd), .resp_cacheable(cfg_resp_cacheable),
    .resp_rec(ans_rec), .resp_rseq(ans_rseq), .rec_pop(rec_pop), .rec_pop_seq(rec_pop_seq),
    .rd_addr(tw_rd_addr[0 +: OAS_BITS]), .rd_len(tw_rd_len[0 +: 8]), .rd_attr(tw_rd_attr[0 +: 6]),
    .rd_valid(tw_rd_valid[0]), .rd_ready(tw_rd_ready[0]),
    .rd_rvalid(tw_rd_rvalid[0]), .rd_rdata(tw_rdata), .rd_rresp(tw_rresp),
    .evt_data(cfg_evt_data), .evt_valid(cfg_evt_valid), .evt_ready(cfg_evt_ready),
    .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .sync_block(cfg_sync_block),
    .cnt_hit(cnt_cfg_hit), .cnt_miss(cnt_cfg_miss)
);

// ------------------------------------------------------------ invalidation acknowledgements
// LINK_REG=1: every TBU acknowledges each TLBI/CFGI once it applied it
// (smmu_tbu inv_ack); CMD_SYNC waits until none is unacknowledged.
wire inv_pend;
smmu_tcu_inv_ack #(.NT(NT), .LINK_REG(LINK_REG)) inv_ack_inst (
    .clk(clk), .rst(rst), .inv(tlbi_valid || cfgi_valid), .inv_ack(inv_ack), .inv_pend(inv_pend)
);

// ------------------------------------------------------------ command queue
// CMD_SYNC completes once no invalidated configuration fetch is in flight, no
// TBU still offers a decision an invalidation covered, and the record being
// written (a fault whose response the client may already have) is visible in
// the event queue (IHI 0070 4.7.3).
wire [31:0] cnt_cmds, cnt_cmd_errors;
wire        cmdq_sync_block = cfg_sync_block || walk_sync_block || (|sync_block) || evtq_busy || inv_pend;

smmu_cmdq #(.OAS_BITS(OAS_BITS), .STALL_MODEL(STALL_MODEL)) cmdq_inst (
    .clk(clk), .rst(rst),
    .cmdq_en(cmdq_en), .cmdq_en_req(cmdq_en_req), .base(cmdq_base), .log2size(cmdq_log2size),
    .prod(cmdq_prod), .cons(cmdq_cons), .err_active(cmdq_err_active),
    .cons_we(cmdq_cons_we), .cons_wdata(cmdq_cons_wdata), .err_set(gerror_cmdq),
    .busy(cmdq_busy),
    .rd_addr(tw_rd_addr[OAS_BITS +: OAS_BITS]), .rd_len(tw_rd_len[8 +: 8]),
    .rd_valid(tw_rd_valid[1]), .rd_ready(tw_rd_ready[1]),
    .rd_rvalid(tw_rd_rvalid[1]), .rd_rdata(tw_rdata), .rd_rresp(tw_rresp),
    .yield_req(walk_busy || tw_rd_valid[0]),
    .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .tlbi_leaf(tlbi_leaf),
    .resume_valid(resume_valid), .resume_sid(resume_sid), .resume_stag(resume_stag),
    .resume_resp(resume_resp),
    .stall_term_valid(stall_term_valid), .stall_term_sid(stall_term_sid),
    .sync_block(cmdq_sync_block),
    .sync_irq(cmdq_sync_irq),
    .cnt_cmds(cnt_cmds), .cnt_errors(cnt_cmd_errors)
);

// ------------------------------------------------------------ event queue
// source 0: configuration engine; source 1+q: translation queue q
smmu_tcu_evt #(.OAS_BITS(OAS_BITS), .SID_W(SID_W), .PIDX_W(PIDX_W), .NQ(NQ), .QW(QW),
               .STALL_MAX(STALL_MAX)) evt_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen),
    .e_valid(e_valid), .e_data(e_data), .e_stall(e_stall), .e_ready(e_ready), .e_stall_ok(e_stall_ok),
    .st_avail(st_avail), .st_tag(st_tag), .st_alloc_idx(st_alloc_idx), .st_alloc_sid(st_alloc_sid),
    .act_res(act_res), .act_idx(act_idx), .act_term(act_term), .act_sid(act_sid), .act_kind(act_kind),
    .e_ready_q(e_ready_q), .e_alloc(e_alloc), .can_write(evtq_can_write),
    .cfg_evt_data(cfg_evt_data), .cfg_evt_valid(cfg_evt_valid), .cfg_evt_ready(cfg_evt_ready),
    .resume_valid(resume_valid), .resume_sid(resume_sid), .resume_stag(resume_stag),
    .resume_resp(resume_resp), .stall_term_valid(stall_term_valid), .stall_term_sid(stall_term_sid),
    .evtq_en(evtq_en), .abt_active(evtq_abt_active), .base(evtq_base), .log2size(evtq_log2size),
    .prod(evtq_prod), .cons(evtq_cons), .prod_we(evtq_prod_we), .prod_wdata(evtq_prod_wdata),
    .abt_err(gerror_evtq_abt), .busy(evtq_busy),
    .m_axi_tw_awaddr(m_axi_tw_awaddr), .m_axi_tw_awlen(m_axi_tw_awlen),
    .m_axi_tw_awvalid(m_axi_tw_awvalid), .m_axi_tw_awready(m_axi_tw_awready),
    .m_axi_tw_wdata(m_axi_tw_wdata), .m_axi_tw_wlast(m_axi_tw_wlast),
    .m_axi_tw_wvalid(m_axi_tw_wvalid), .m_axi_tw_wready(m_axi_tw_wready),
    .m_axi_tw_bresp(m_axi_tw_bresp), .m_axi_tw_bvalid(m_axi_tw_bvalid),
    .m_axi_tw_bready(m_axi_tw_bready)
);

assign m_axi_tw_awid    = 4'd0;
assign m_axi_tw_awsize  = 3'd3;
assign m_axi_tw_awburst = 2'b01;
assign m_axi_tw_awlock  = 1'b0;
// event-queue writes: CR1.QUEUE_{IC,OC,SH} and EVENTQ_BASE.WA; Data, Privileged, Non-secure
assign {m_axi_tw_awdomain, m_axi_tw_awcache} = own_attr(cr1[1:0] == 2'b01, cr1[3:2] == 2'b01, 1'b0, evtq_wa,
                                                        cr1[5:4], 1'b0);
assign m_axi_tw_awprot  = 3'b011;
assign m_axi_tw_wstrb   = 8'hFF;

// ------------------------------------------------------------ checks
// simulation and formal only (smmu_tcu_check): the link protocol rules
// (rtl/common/smmu_link_check.v) and the TCU's bookkeeping invariants
`ifndef SYNTHESIS
`define SMMU_TCU_LINK_CHECK
`endif
`ifdef FORMAL
`define SMMU_TCU_LINK_CHECK
`endif
`ifdef SMMU_TCU_LINK_CHECK
`undef SMMU_TCU_LINK_CHECK
wire check_err;
smmu_tcu_check #(.NT(NT), .NQ(NQ), .QW(QW), .PEND(PEND), .PIDX_W(PIDX_W), .SID_W(SID_W), .LINK_REG(LINK_REG)) check_inst (
    .clk(clk), .rst(rst), .smmuen(smmuen), .c_req_valid(c_req_valid), .c_req_ready(c_req_ready),
    .c_resp_valid(c_resp_valid), .e_valid(e_valid), .e_ready_q(e_ready_q), .e_stall(e_stall),
    .evtq_can_write(evtq_can_write), .st_avail(st_avail), .st_alloc(st_alloc), .e_alloc(e_alloc),
    .st_alloc_idx(st_alloc_idx), .st_alloc_sid(st_alloc_sid), .act_res(act_res), .act_idx(act_idx),
    .act_term(act_term), .act_sid(act_sid), .n_cfg_wait(n_cfg_wait),
    .cfg_req_ready(cfg_req_ready), .cfg_resp_valid(cfg_resp_valid), .inv(tlbi_valid || cfgi_valid),
    .inv_ack(inv_ack), .inv_pend(inv_pend), .cmdq_sync_block(cmdq_sync_block), .invariant_err(check_err)
);
`endif

// dbg_invariant_err is sticky and read by the testbench at the end of every test
// (tb/env/env.py, through smmu_top); yosys defines SYNTHESIS, so none of this is synthesised.
`ifndef SYNTHESIS
/* verilator lint_off UNUSEDSIGNAL */
wire dbg_invariant_err = check_err;
/* verilator lint_on UNUSEDSIGNAL */
`endif

`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @(posedge clk) if (f_rst_seen && !rst) begin
    cover(m_axi_tw_arvalid && m_axi_tw_arid == 4'd0 && smmuen);         // a configuration fetch
`ifdef SMMU_FORMAL_DEEP
    cover(m_axi_tw_awvalid && m_axi_tw_awready);                        // an event record written
    cover(m_axi_tw_arvalid && m_axi_tw_arid >= 4'd2);                   // a page-table walk read
    cover(|e_alloc);                                                   // a stall recorded
`endif
end
`endif

// Counters are read by the testbench through the hierarchy.
wire unused_ok = &{1'b0, cnt_cfg_hit, cnt_cfg_miss, cnt_cmds, cnt_cmd_errors, m_axi_tw_bid, tw_rlast,
                   cnt_walks, cnt_merges, cfg_resp_cd};

endmodule

`resetall
