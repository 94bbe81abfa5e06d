`resetall
`timescale 1ns / 1ps
`default_nettype none

// smmu_tbu: Translation Buffer Unit, the part of the SMMU next to a client
// (docs/architecture.md "TBU and TCU"). One client AXI port in (s_axi, with
// the StreamID sideband), one translated AXI port out (m_axi), and the link to
// the shared TCU.
//
// Inside: the micro-TLB (two lookup ports, AR and AW), a translation queue per
// direction (translation slots with same-ID order, stall hold, fault records),
// the read path and the write path (W park buffer, local responders).
//
// The link (ports below the AXI ports). Queue q of the TCU's numbering is 2t
// (reads) and 2t+1 (writes) of TBU t; the 2-bit vectors here are {write,
// read}. Per queue, valid/ready streams: configuration requests (c_req_*),
// fault records (e_*). From the TCU, broadcast to every TBU: the answer of the
// configuration lookup (valid per queue, c_resp_valid), walk results (w_*),
// micro-TLB fills (fill_*), TLBI/CFGI (applied in the cycle they arrive), stall
// tags and actions (st_*, act_*), and the global state (SMMUEN, GBPA). To the
// TCU: sync_block (a decision an invalidation covered is still offered on
// m_axi) and the stall-tag allocations. The DTI-style message form of this
// link is designed in docs/architecture.md ("The TBU-TCU link").
module smmu_tbu #(
    parameter SID_W       = 8,
    parameter SSID_W      = 8,
    parameter ID_W        = 4,
    parameter DATA_W      = 64,
    parameter OAS_BITS    = 48,
    parameter TLB_ENTRIES = 32,
    parameter XLT_SLOTS   = 24,
    parameter STALL_SLOTS = 16,
    parameter WALKERS     = 2,
    parameter PARK_SLOTS  = 16,
    parameter PARK_BEATS  = 16,
    parameter MTLB_SETS   = 256,  // main TLB (smmu_mtlb): 0 none, else sets x ways + blocks
    parameter MTLB_WAYS   = 4,
    parameter MTLB_BLOCKS = 8,
    parameter LINK_REG    = 0,    // 1: a register stage on every link signal (see below)
    // derived (kept as parameters so the TCU and the TBU agree on link widths)
    parameter PIDX_W      = $clog2(XLT_SLOTS),
    parameter SLOT_W      = (WALKERS > 1) ? $clog2(WALKERS) : 1
) (
    input  wire                 clk,
    input  wire                 rst,

    // ------------------------------------------------ s_axi: client, untranslated
    input  wire [ID_W-1:0]      s_axi_awid,
    input  wire [63:0]          s_axi_awaddr,
    input  wire [7:0]           s_axi_awlen,
    input  wire [2:0]           s_axi_awsize,
    input  wire [1:0]           s_axi_awburst,
    input  wire                 s_axi_awlock,
    input  wire [3:0]           s_axi_awcache,
    input  wire [2:0]           s_axi_awprot,
    input  wire [3:0]           s_axi_awqos,
    input  wire [SID_W-1:0]     s_axi_awmmusid,
    input  wire [SSID_W-1:0]    s_axi_awmmussid,
    input  wire                 s_axi_awmmussidv,
    input  wire                 s_axi_awvalid,
    output wire                 s_axi_awready,
    input  wire [DATA_W-1:0]    s_axi_wdata,
    input  wire [DATA_W/8-1:0]  s_axi_wstrb,
    input  wire                 s_axi_wlast,
    input  wire                 s_axi_wvalid,
    output wire                 s_axi_wready,
    output wire [ID_W-1:0]      s_axi_bid,
    output wire [1:0]           s_axi_bresp,
    output wire                 s_axi_bvalid,
    input  wire                 s_axi_bready,
    input  wire [ID_W-1:0]      s_axi_arid,
    input  wire [63:0]          s_axi_araddr,
    input  wire [7:0]           s_axi_arlen,
    input  wire [2:0]           s_axi_arsize,
    input  wire [1:0]           s_axi_arburst,
    input  wire                 s_axi_arlock,
    input  wire [3:0]           s_axi_arcache,
    input  wire [2:0]           s_axi_arprot,
    input  wire [3:0]           s_axi_arqos,
    input  wire [SID_W-1:0]     s_axi_armmusid,
    input  wire [SSID_W-1:0]    s_axi_armmussid,
    input  wire                 s_axi_armmussidv,
    input  wire                 s_axi_arvalid,
    output wire                 s_axi_arready,
    output wire [ID_W-1:0]      s_axi_rid,
    output wire [DATA_W-1:0]    s_axi_rdata,
    output wire [1:0]           s_axi_rresp,
    output wire                 s_axi_rlast,
    output wire                 s_axi_rvalid,
    input  wire                 s_axi_rready,

    // ------------------------------------------------ m_axi: translated
    output wire [ID_W-1:0]      m_axi_awid,
    output wire [OAS_BITS-1:0]  m_axi_awaddr,
    output wire [7:0]           m_axi_awlen,
    output wire [2:0]           m_axi_awsize,
    output wire [1:0]           m_axi_awburst,
    output wire                 m_axi_awlock,
    output wire [3:0]           m_axi_awcache,
    output wire [2:0]           m_axi_awprot,
    output wire [3:0]           m_axi_awqos,
    output wire [1:0]           m_axi_awdomain,
    output wire                 m_axi_awvalid,
    input  wire                 m_axi_awready,
    output wire [DATA_W-1:0]    m_axi_wdata,
    output wire [DATA_W/8-1:0]  m_axi_wstrb,
    output wire                 m_axi_wlast,
    output wire                 m_axi_wvalid,
    input  wire                 m_axi_wready,
    input  wire [ID_W-1:0]      m_axi_bid,
    input  wire [1:0]           m_axi_bresp,
    input  wire                 m_axi_bvalid,
    output wire                 m_axi_bready,
    output wire [ID_W-1:0]      m_axi_arid,
    output wire [OAS_BITS-1:0]  m_axi_araddr,
    output wire [7:0]           m_axi_arlen,
    output wire [2:0]           m_axi_arsize,
    output wire [1:0]           m_axi_arburst,
    output wire                 m_axi_arlock,
    output wire [3:0]           m_axi_arcache,
    output wire [2:0]           m_axi_arprot,
    output wire [3:0]           m_axi_arqos,
    output wire [1:0]           m_axi_ardomain,
    output wire                 m_axi_arvalid,
    input  wire                 m_axi_arready,
    input  wire [ID_W-1:0]      m_axi_rid,
    input  wire [DATA_W-1:0]    m_axi_rdata,
    input  wire [1:0]           m_axi_rresp,
    input  wire                 m_axi_rlast,
    input  wire                 m_axi_rvalid,
    output wire                 m_axi_rready,

    // ------------------------------------------------ link: global state (TCU -> TBU)
    input  wire                 smmuen,
    input  wire                 gbpa_abort,
    input  wire [14:0]          g_ovr,

    // ------------------------------------------------ link: configuration requests (per queue)
    output wire [1:0]           c_req_valid,
    output wire [2*PIDX_W-1:0]  c_req_idx,
    output wire [2*SID_W-1:0]   c_sid,
    output wire [2*SSID_W-1:0]  c_ssid,
    output wire [1:0]           c_ssv,
    output wire [127:0]         c_addr,
    output wire [1:0]           c_pnu,
    output wire [1:0]           c_ind,
    input  wire [1:0]           c_req_ready,

    // ------------------------------------------------ link: configuration answers (TCU -> TBU)
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

    // ------------------------------------------------ link: walk results (broadcast)
    // (one message a cycle: walk slot w_slot ended; smmu_walk, rtl/tcu)
    input  wire                           w_done,
    input  wire [SLOT_W-1:0]              w_slot,
    input  wire [2:0]                     w_fault,
    input  wire [OAS_BITS-1:0]            w_fetch,
    input  wire [OAS_BITS-13:0]           w_pa,
    input  wire [1:0]                     w_size,
    input  wire [4:0]                     w_perm,
    input  wire                           w_stale,
    input  wire                           w_ng,
    input  wire [5:0]                     w_ax,

    // ------------------------------------------------ link: micro-TLB fill (broadcast)
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

    // ------------------------------------------------ link: invalidation (broadcast)
    input  wire                 tlbi_valid,
    input  wire [7:0]           tlbi_op,
    input  wire [15:0]          tlbi_asid,
    input  wire [63:12]         tlbi_va,
    input  wire                 tlbi_leaf,
    input  wire                 cfgi_valid,
    input  wire [31:0]          cfgi_sid,
    input  wire [31:0]          cfgi_mask,
    output wire                 sync_block,
    output wire                 inv_ack,      // LINK_REG=1: an invalidation is applied (sync_block shows it)
    output wire [WALKERS-1:0]   w_hold,       // walk slots whose result a queue still reads (smmu_walk)

    // ------------------------------------------------ link: fault records and stalls (per queue)
    output wire [1:0]           e_valid,
    output wire [511:0]         e_data,
    output wire [1:0]           e_stall,
    input  wire [1:0]           e_ready,
    input  wire                 e_stall_ok,
    input  wire                 st_avail,
    input  wire [15:0]          st_tag,
    output wire [1:0]           st_alloc,
    output wire [2*PIDX_W-1:0]  st_alloc_idx,
    output wire [2*SID_W-1:0]   st_alloc_sid,
    input  wire [1:0]           act_res,      // stall actions (rtl/tcu/smmu_stallq.v)
    input  wire [PIDX_W-1:0]    act_idx,
    input  wire                 act_term,
    input  wire [SID_W-1:0]     act_sid,
    input  wire [1:0]           act_kind,

    // ------------------------------------------------ checks and counters
    output wire [2*(PIDX_W+1)-1:0] n_cfg_wait,
    output wire [31:0]          cnt_rd_lookups,
    output wire [31:0]          cnt_rd_hits,
    output wire [31:0]          cnt_wr_lookups,
    output wire [31:0]          cnt_wr_hits
);

localparam AX_W     = 22;   // attribute transform of a TLB entry (smmu_attr.vh AX_W)
localparam PEND     = XLT_SLOTS;
localparam ATTR_W   = 17;
localparam PSLOT_W  = $clog2(PARK_SLOTS);

// ------------------------------------------------------------ link stage
// What the blocks below see of the link (i_*: TCU -> TBU; x_*: what the queues offer the
// TCU): the link ports themselves (LINK_REG=0) or a register stage (LINK_REG=1, smmu_tbu_link).
wire                         i_smmuen, i_gbpa_abort, i_ans_rec, i_rec_pop, i_fill_valid, i_fill_byp,
                             i_fill_ssv, i_fill_tbi, i_fill_ng, i_fill_pan, i_tlbi_valid, i_tlbi_leaf,
                             i_cfgi_valid, i_e_stall_ok, i_st_avail;
wire [14:0]                  i_g_ovr, i_ans_ovr;
wire [1:0]                   i_c_resp_valid, i_fill_size, i_act_kind;
wire [PIDX_W-1:0]            i_c_resp_idx;
wire [2:0]                   i_ans_kind, i_ans_rseq, i_rec_pop_seq;
wire [SLOT_W-1:0]            i_ans_slot;
wire [3:0]                   i_ans_cdf;
wire [15:0]                  i_ans_asid, i_fill_asid, i_tlbi_asid, i_st_tag;
wire                         i_w_done, i_w_stale, i_w_ng;
wire [SLOT_W-1:0]            i_w_slot;
wire [2:0]                   i_w_fault;
wire [OAS_BITS-1:0]          i_w_fetch;
wire [OAS_BITS-13:0]         i_w_pa;
wire [1:0]                   i_w_size;
wire [4:0]                   i_w_perm;
wire [5:0]                   i_w_ax;
wire [SID_W-1:0]             i_fill_sid;
wire [SSID_W-1:0]            i_fill_ssid;
wire [63:12]                 i_fill_va, i_tlbi_va;
wire [OAS_BITS-1:12]         i_fill_pa;
wire [4:0]                   i_fill_perm;
wire [21:0]                  i_fill_ax;
wire [7:0]                   i_tlbi_op;
wire [31:0]                  i_cfgi_sid, i_cfgi_mask;
wire [1:0]                   i_act_res;
wire [PIDX_W-1:0]            i_act_idx;
wire                         i_act_term;
wire [SID_W-1:0]             i_act_sid;
wire                         inv;             // an invalidation reaches this TBU now

// TBU -> TCU: what the queues offer (x_*) and what the link takes
wire [1:0]          x_c_req_valid, x_c_ssv, x_c_pnu, x_c_ind, x_c_req_ready;
wire [2*PIDX_W-1:0] x_c_req_idx;
wire [2*SID_W-1:0]  x_c_sid;
wire [2*SSID_W-1:0] x_c_ssid;
wire [127:0]        x_c_addr;
wire [1:0]          x_e_valid, x_e_stall, x_e_ready, x_st_alloc;
wire [511:0]        x_e_data;
wire [2*PIDX_W-1:0] x_st_alloc_idx;
wire [2*SID_W-1:0]  x_st_alloc_sid;
// the TCU allocated the stall tag of a queue's entry, as this TBU sees it (smmu_xlt_q p_tag)
wire [1:0]          x_st_held;
wire [2*PIDX_W-1:0] x_st_held_idx;
wire                x_sync_block;
wire [WALKERS-1:0]  x_w_hold;
wire [1:0]          c_cancel;
wire [2*PIDX_W-1:0] c_cancel_idx;


smmu_tbu_link #(.SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS), .WALKERS(WALKERS), .LINK_REG(LINK_REG),
                .PIDX_W(PIDX_W), .SLOT_W(SLOT_W)) link_inst (
    .clk(clk), .rst(rst),
    .smmuen(smmuen), .gbpa_abort(gbpa_abort), .g_ovr(g_ovr), .c_resp_valid(c_resp_valid), .c_resp_idx(c_resp_idx),
    .ans_kind(ans_kind), .ans_slot(ans_slot), .ans_cdf(ans_cdf), .ans_asid(ans_asid), .ans_rec(ans_rec),
    .ans_rseq(ans_rseq), .rec_pop(rec_pop), .rec_pop_seq(rec_pop_seq), .ans_ovr(ans_ovr),
    .w_done(w_done), .w_slot(w_slot), .w_fault(w_fault), .w_fetch(w_fetch), .w_pa(w_pa), .w_size(w_size),
    .w_perm(w_perm), .w_stale(w_stale), .w_ng(w_ng), .w_ax(w_ax),
    .fill_valid(fill_valid), .fill_byp(fill_byp), .fill_sid(fill_sid), .fill_ssid(fill_ssid), .fill_ssv(fill_ssv),
    .fill_va(fill_va), .fill_tbi(fill_tbi), .fill_size(fill_size), .fill_asid(fill_asid), .fill_ng(fill_ng),
    .fill_pa(fill_pa), .fill_perm(fill_perm), .fill_pan(fill_pan), .fill_ax(fill_ax),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va), .tlbi_leaf(tlbi_leaf),
    .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask), .e_stall_ok(e_stall_ok),
    .st_avail(st_avail), .st_tag(st_tag), .act_res(act_res), .act_idx(act_idx), .act_term(act_term),
    .act_sid(act_sid), .act_kind(act_kind), .c_req_ready(c_req_ready), .e_ready(e_ready),
    .c_req_valid(c_req_valid), .c_req_idx(c_req_idx), .c_sid(c_sid), .c_ssid(c_ssid), .c_ssv(c_ssv),
    .c_addr(c_addr), .c_pnu(c_pnu), .c_ind(c_ind), .sync_block(sync_block), .inv_ack(inv_ack), .w_hold(w_hold),
    .e_valid(e_valid), .e_data(e_data), .e_stall(e_stall), .st_alloc(st_alloc), .st_alloc_idx(st_alloc_idx),
    .st_alloc_sid(st_alloc_sid),
    .i_smmuen(i_smmuen), .i_gbpa_abort(i_gbpa_abort), .i_g_ovr(i_g_ovr), .i_c_resp_valid(i_c_resp_valid),
    .i_c_resp_idx(i_c_resp_idx), .i_ans_kind(i_ans_kind), .i_ans_slot(i_ans_slot), .i_ans_cdf(i_ans_cdf),
    .i_ans_asid(i_ans_asid), .i_ans_rec(i_ans_rec), .i_ans_rseq(i_ans_rseq), .i_rec_pop(i_rec_pop),
    .i_rec_pop_seq(i_rec_pop_seq), .i_ans_ovr(i_ans_ovr),
    .i_w_done(i_w_done), .i_w_slot(i_w_slot), .i_w_fault(i_w_fault), .i_w_fetch(i_w_fetch), .i_w_pa(i_w_pa),
    .i_w_size(i_w_size), .i_w_perm(i_w_perm), .i_w_stale(i_w_stale), .i_w_ng(i_w_ng), .i_w_ax(i_w_ax),
    .i_fill_valid(i_fill_valid), .i_fill_byp(i_fill_byp), .i_fill_sid(i_fill_sid), .i_fill_ssid(i_fill_ssid),
    .i_fill_ssv(i_fill_ssv), .i_fill_va(i_fill_va), .i_fill_tbi(i_fill_tbi), .i_fill_size(i_fill_size),
    .i_fill_asid(i_fill_asid), .i_fill_ng(i_fill_ng), .i_fill_pa(i_fill_pa), .i_fill_perm(i_fill_perm),
    .i_fill_pan(i_fill_pan), .i_fill_ax(i_fill_ax),
    .i_tlbi_valid(i_tlbi_valid), .i_tlbi_op(i_tlbi_op), .i_tlbi_asid(i_tlbi_asid), .i_tlbi_va(i_tlbi_va),
    .i_tlbi_leaf(i_tlbi_leaf), .i_cfgi_valid(i_cfgi_valid), .i_cfgi_sid(i_cfgi_sid), .i_cfgi_mask(i_cfgi_mask),
    .i_e_stall_ok(i_e_stall_ok), .i_st_avail(i_st_avail), .i_st_tag(i_st_tag), .i_act_res(i_act_res),
    .i_act_idx(i_act_idx), .i_act_term(i_act_term), .i_act_sid(i_act_sid), .i_act_kind(i_act_kind), .inv(inv),
    .x_c_req_valid(x_c_req_valid), .x_c_req_idx(x_c_req_idx), .x_c_sid(x_c_sid), .x_c_ssid(x_c_ssid),
    .x_c_ssv(x_c_ssv), .x_c_addr(x_c_addr), .x_c_pnu(x_c_pnu), .x_c_ind(x_c_ind), .x_c_req_ready(x_c_req_ready),
    .x_e_valid(x_e_valid), .x_e_data(x_e_data), .x_e_stall(x_e_stall), .x_e_ready(x_e_ready),
    .x_st_alloc(x_st_alloc), .x_st_alloc_idx(x_st_alloc_idx), .x_st_alloc_sid(x_st_alloc_sid),
    .x_st_held(x_st_held), .x_st_held_idx(x_st_held_idx), .x_sync_block(x_sync_block), .x_w_hold(x_w_hold),
    .c_cancel(c_cancel), .c_cancel_idx(c_cancel_idx)
);

// ------------------------------------------------------------ micro-TLB and main TLB (port 0: AR, port 1: AW)
wire [1:0]            lk_hit, lk_pan, lk_byp, lk_ng;
wire [31:0]           lk_asid;
wire [3:0]            lk_size;
wire [2*OAS_BITS-1:0] lk_pa;
wire [9:0]            lk_perm;
wire [2*AX_W-1:0]     lk_ax;
wire [31:0]           cnt_tlb_fills;
// main-TLB probes and answers, and the hits used (mf_*), per queue
wire [1:0]            pr_valid, pr_grant, pr_ssv, mt_hit, mt_ng, mt_pan, mt_tbi, mf_valid, mf_ssv, mf_tbi, mf_ng, mf_pan;
wire [1:0]            pr_pnu, pr_ind, mt_ok;
wire [2*SID_W-1:0]    pr_sid, mf_sid;
wire [2*SSID_W-1:0]   pr_ssid, mf_ssid;
wire [103:0]          pr_va, mf_va;
wire [2*(OAS_BITS-12)-1:0] mt_pa, mf_pa;
wire [3:0]            mt_size, mf_size;
wire [9:0]            mt_perm, mf_perm;
wire [31:0]           mt_asid, mf_asid;
wire [2*AX_W-1:0]     mt_ax, mf_ax;
localparam PGW = OAS_BITS - 12;
wire [31:0]           cnt_rd_mt_lookups, cnt_rd_mt_hits, cnt_wr_mt_lookups, cnt_wr_mt_hits;

smmu_tbu_tlb #(.TLB_ENTRIES(TLB_ENTRIES), .MTLB_SETS(MTLB_SETS), .MTLB_WAYS(MTLB_WAYS),
               .MTLB_BLOCKS(MTLB_BLOCKS), .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS)) tlbs_inst (
    .clk(clk), .rst(rst), .smmuen(i_smmuen),
    .lk_sid({s_axi_awmmusid, s_axi_armmusid}), .lk_ssid({s_axi_awmmussid, s_axi_armmussid}),
    .lk_ssv({s_axi_awmmussidv, s_axi_armmussidv}), .lk_va({s_axi_awaddr, s_axi_araddr}),
    .lk_hit(lk_hit), .lk_pa(lk_pa), .lk_perm(lk_perm), .lk_pan(lk_pan), .lk_byp(lk_byp),
    .lk_asid(lk_asid), .lk_ng(lk_ng), .lk_size(lk_size), .lk_ax(lk_ax),
    .pr_valid(pr_valid), .pr_sid(pr_sid), .pr_ssid(pr_ssid), .pr_ssv(pr_ssv), .pr_va(pr_va),
    .pr_pnu(pr_pnu), .pr_ind(pr_ind), .mt_ok(mt_ok),
    .pr_grant(pr_grant), .mt_hit(mt_hit), .mt_pa(mt_pa), .mt_size(mt_size), .mt_ng(mt_ng), .mt_perm(mt_perm), .mt_pan(mt_pan),
    .mt_asid(mt_asid), .mt_ax(mt_ax), .mt_tbi(mt_tbi),
    .mf_valid(mf_valid), .mf_sid(mf_sid), .mf_ssid(mf_ssid), .mf_ssv(mf_ssv), .mf_va(mf_va), .mf_tbi(mf_tbi),
    .mf_size(mf_size), .mf_asid(mf_asid), .mf_ng(mf_ng), .mf_pa(mf_pa), .mf_perm(mf_perm), .mf_pan(mf_pan),
    .mf_ax(mf_ax),
    .fill_valid(i_fill_valid), .fill_byp(i_fill_byp), .fill_sid(i_fill_sid), .fill_ssid(i_fill_ssid),
    .fill_ssv(i_fill_ssv), .fill_va(i_fill_va), .fill_tbi(i_fill_tbi), .fill_size(i_fill_size),
    .fill_asid(i_fill_asid), .fill_ng(i_fill_ng), .fill_pa(i_fill_pa), .fill_perm(i_fill_perm),
    .fill_pan(i_fill_pan), .fill_ax(i_fill_ax),
    .tlbi_valid(i_tlbi_valid), .tlbi_op(i_tlbi_op), .tlbi_asid(i_tlbi_asid), .tlbi_va(i_tlbi_va),
    .cfgi_valid(i_cfgi_valid), .cfgi_sid(i_cfgi_sid), .cfgi_mask(i_cfgi_mask),
    .cnt_fills(cnt_tlb_fills)
);

// ------------------------------------------------------------ translation queues
wire                rd_t_valid, wr_t_valid, rd_t_take, wr_t_take, rd_t_stale, wr_t_stale;
wire [(1<<ID_W)-1:0] rd_idle, wr_idle;
wire                rd_lbusy, wr_lbusy;
wire [ID_W-1:0]     rd_lid, wr_lid;
wire [ID_W-1:0]     rd_t_id, wr_t_id;
wire [OAS_BITS-1:0] rd_t_addr, wr_t_addr;
wire [7:0]          rd_t_len, wr_t_len;
wire [ATTR_W-1:0]   rd_t_attr, wr_t_attr;
wire [1:0]          rd_t_dom, wr_t_dom;
wire                rd_t_down, wr_t_down, rd_t_raz, wr_t_raz;
wire                rd_q_sync_block, wr_q_sync_block, rd_path_sync_block, wr_path_sync_block;
wire [(1<<SLOT_W)-1:0] rd_q_w_hold, wr_q_w_hold;
wire [(1<<SLOT_W)-1:0] q_w_hold = rd_q_w_hold | wr_q_w_hold;
assign x_w_hold = q_w_hold[WALKERS-1:0];
generate
    if ((1 << SLOT_W) > WALKERS) begin : g_hold_sink
        wire unused_w_hold = &{1'b0, q_w_hold[(1<<SLOT_W)-1:WALKERS]};   // slot numbers no walker has
    end
endgenerate
wire                wr_t_park, rd_t_park, pk_valid, pk_ready, rd_pk_valid;
wire [PSLOT_W-1:0]  wr_t_pslot, rd_t_pslot, pk_slot;
wire [7:0]          pk_len, rd_pk_len;
wire [31:0]         cnt_parks;

smmu_xlt_q #(.ID_W(ID_W), .OAS_BITS(OAS_BITS), .SID_W(SID_W), .SSID_W(SSID_W), .ATTR_W(ATTR_W),
             .PEND(PEND), .SLOT_W(SLOT_W), .IN_ORDER(0), .RNW(1), .PIDX_W(PIDX_W),
             .PSLOT_W(PSLOT_W), .SCAP(STALL_SLOTS)) rd_q_inst (
    .clk(clk), .rst(rst), .smmuen(i_smmuen), .gbpa_abort(i_gbpa_abort), .g_ovr(i_g_ovr),
    .s_id(s_axi_arid), .s_addr(s_axi_araddr), .s_len(s_axi_arlen),
    .s_attr({s_axi_arsize, s_axi_arburst, s_axi_arlock, s_axi_arcache, s_axi_arprot, s_axi_arqos}),
    .s_sid(s_axi_armmusid), .s_ssid(s_axi_armmussid), .s_ssv(s_axi_armmussidv),
    .s_valid(s_axi_arvalid), .s_ready(s_axi_arready),
    .lk_hit(lk_hit[0]), .lk_byp(lk_byp[0]), .lk_pa(lk_pa[0 +: OAS_BITS]), .lk_perm(lk_perm[0 +: 5]),
    .lk_pan(lk_pan[0]), .lk_asid(lk_asid[0 +: 16]), .lk_ng(lk_ng[0]), .lk_size(lk_size[0 +: 2]),
    .lk_ax(lk_ax[0*AX_W +: AX_W]),
    .pr_valid(pr_valid[0]), .pr_sid(pr_sid[0*SID_W +: SID_W]), .pr_ssid(pr_ssid[0*SSID_W +: SSID_W]),
    .pr_ssv(pr_ssv[0]), .pr_va(pr_va[0*52 +: 52]), .pr_grant(pr_grant[0]),
    .pr_pnu(pr_pnu[0]), .pr_ind(pr_ind[0]), .mt_ok(mt_ok[0]),
    .mt_hit(mt_hit[0]), .mt_pa(mt_pa[0*PGW +: PGW]), .mt_size(mt_size[0*2 +: 2]), .mt_ng(mt_ng[0]),
    .mt_perm(mt_perm[0*5 +: 5]), .mt_pan(mt_pan[0]), .mt_asid(mt_asid[0*16 +: 16]),
    .mt_ax(mt_ax[0*AX_W +: AX_W]), .mt_tbi(mt_tbi[0]),
    .mf_valid(mf_valid[0]), .mf_sid(mf_sid[0*SID_W +: SID_W]), .mf_ssid(mf_ssid[0*SSID_W +: SSID_W]),
    .mf_ssv(mf_ssv[0]), .mf_va(mf_va[0*52 +: 52]), .mf_tbi(mf_tbi[0]), .mf_size(mf_size[0*2 +: 2]),
    .mf_asid(mf_asid[0*16 +: 16]), .mf_ng(mf_ng[0]), .mf_pa(mf_pa[0*PGW +: PGW]), .mf_perm(mf_perm[0*5 +: 5]),
    .mf_pan(mf_pan[0]), .mf_ax(mf_ax[0*AX_W +: AX_W]),
    .o_valid(rd_t_valid), .o_id(rd_t_id), .o_addr(rd_t_addr), .o_len(rd_t_len), .o_attr(rd_t_attr),
    .o_dom(rd_t_dom),
    .o_down(rd_t_down), .o_raz(rd_t_raz), .o_take(rd_t_take), .o_stale(rd_t_stale),
    .pi_idle(rd_idle), .pi_lbusy(rd_lbusy), .pi_lid(rd_lid),
    .o_park(rd_t_park), .o_pslot(rd_t_pslot),
    .pk_valid(rd_pk_valid), .pk_len(rd_pk_len), .pk_ready(1'b0), .pk_slot({PSLOT_W{1'b0}}),
    .c_req_valid(x_c_req_valid[0]), .c_req_idx(x_c_req_idx[0 +: PIDX_W]), .c_sid(x_c_sid[0 +: SID_W]),
    .c_ssid(x_c_ssid[0 +: SSID_W]), .c_ssv(x_c_ssv[0]), .c_addr(x_c_addr[0 +: 64]), .c_pnu(x_c_pnu[0]),
    .c_ind(x_c_ind[0]), .c_req_ready(x_c_req_ready[0]),
    .c_cancel(c_cancel[0]), .c_cancel_idx(c_cancel_idx[0 +: PIDX_W]),
    .c_resp_valid(i_c_resp_valid[0]), .c_resp_idx(i_c_resp_idx),
    .ans_kind(i_ans_kind), .ans_slot(i_ans_slot), .ans_cdf(i_ans_cdf), .ans_asid(i_ans_asid),
    .ans_rec(i_ans_rec), .ans_rseq(i_ans_rseq), .rec_pop(i_rec_pop), .rec_pop_seq(i_rec_pop_seq),
    .w_done(i_w_done), .w_slot(i_w_slot), .w_fault(i_w_fault), .w_fetch(i_w_fetch), .w_pa(i_w_pa), .w_size(i_w_size), .w_perm(i_w_perm),
    .w_stale(i_w_stale), .w_ng(i_w_ng),
    .tlbi_valid(i_tlbi_valid), .tlbi_op(i_tlbi_op), .tlbi_asid(i_tlbi_asid), .tlbi_va(i_tlbi_va),
    .tlbi_leaf(i_tlbi_leaf), .cfgi_valid(i_cfgi_valid), .cfgi_sid(i_cfgi_sid), .cfgi_mask(i_cfgi_mask),
    .ans_ovr(i_ans_ovr), .w_ax(i_w_ax),
    .e_valid(x_e_valid[0]), .e_data(x_e_data[0 +: 256]), .e_stall(x_e_stall[0]), .e_ready(x_e_ready[0]),
    .e_stall_ok(i_e_stall_ok),
    .st_avail(i_st_avail), .st_tag(i_st_tag), .st_alloc(x_st_alloc[0]), .st_alloc_idx(x_st_alloc_idx[0 +: PIDX_W]),
    .st_held(x_st_held[0]), .st_held_idx(x_st_held_idx[0 +: PIDX_W]),
    .st_alloc_sid(x_st_alloc_sid[0 +: SID_W]), .act_res(i_act_res[0]), .act_idx(i_act_idx),
    .act_term(i_act_term), .act_sid(i_act_sid), .act_kind(i_act_kind),
    .sync_block(rd_q_sync_block), .w_hold(rd_q_w_hold), .n_cfg_wait(n_cfg_wait[0 +: PIDX_W+1]),
    .cnt_lookups(cnt_rd_lookups), .cnt_hits(cnt_rd_hits),
    .cnt_mt_lookups(cnt_rd_mt_lookups), .cnt_mt_hits(cnt_rd_mt_hits)
);

smmu_xlt_q #(.ID_W(ID_W), .OAS_BITS(OAS_BITS), .SID_W(SID_W), .SSID_W(SSID_W), .ATTR_W(ATTR_W),
             .PEND(PEND), .SLOT_W(SLOT_W), .IN_ORDER(0), .RNW(0), .PIDX_W(PIDX_W),
             .PARK(1), .WB_BEATS(PARK_BEATS), .PSLOT_W(PSLOT_W), .SCAP(STALL_SLOTS)) wr_q_inst (
    .clk(clk), .rst(rst), .smmuen(i_smmuen), .gbpa_abort(i_gbpa_abort), .g_ovr(i_g_ovr),
    .s_id(s_axi_awid), .s_addr(s_axi_awaddr), .s_len(s_axi_awlen),
    .s_attr({s_axi_awsize, s_axi_awburst, s_axi_awlock, s_axi_awcache, s_axi_awprot, s_axi_awqos}),
    .s_sid(s_axi_awmmusid), .s_ssid(s_axi_awmmussid), .s_ssv(s_axi_awmmussidv),
    .s_valid(s_axi_awvalid), .s_ready(s_axi_awready),
    .lk_hit(lk_hit[1]), .lk_byp(lk_byp[1]), .lk_pa(lk_pa[OAS_BITS +: OAS_BITS]), .lk_perm(lk_perm[5 +: 5]),
    .lk_pan(lk_pan[1]), .lk_asid(lk_asid[16 +: 16]), .lk_ng(lk_ng[1]), .lk_size(lk_size[2 +: 2]),
    .lk_ax(lk_ax[1*AX_W +: AX_W]),
    .pr_valid(pr_valid[1]), .pr_sid(pr_sid[1*SID_W +: SID_W]), .pr_ssid(pr_ssid[1*SSID_W +: SSID_W]),
    .pr_ssv(pr_ssv[1]), .pr_va(pr_va[1*52 +: 52]), .pr_grant(pr_grant[1]),
    .pr_pnu(pr_pnu[1]), .pr_ind(pr_ind[1]), .mt_ok(mt_ok[1]),
    .mt_hit(mt_hit[1]), .mt_pa(mt_pa[1*PGW +: PGW]), .mt_size(mt_size[1*2 +: 2]), .mt_ng(mt_ng[1]),
    .mt_perm(mt_perm[1*5 +: 5]), .mt_pan(mt_pan[1]), .mt_asid(mt_asid[1*16 +: 16]),
    .mt_ax(mt_ax[1*AX_W +: AX_W]), .mt_tbi(mt_tbi[1]),
    .mf_valid(mf_valid[1]), .mf_sid(mf_sid[1*SID_W +: SID_W]), .mf_ssid(mf_ssid[1*SSID_W +: SSID_W]),
    .mf_ssv(mf_ssv[1]), .mf_va(mf_va[1*52 +: 52]), .mf_tbi(mf_tbi[1]), .mf_size(mf_size[1*2 +: 2]),
    .mf_asid(mf_asid[1*16 +: 16]), .mf_ng(mf_ng[1]), .mf_pa(mf_pa[1*PGW +: PGW]), .mf_perm(mf_perm[1*5 +: 5]),
    .mf_pan(mf_pan[1]), .mf_ax(mf_ax[1*AX_W +: AX_W]),
    .o_valid(wr_t_valid), .o_id(wr_t_id), .o_addr(wr_t_addr), .o_len(wr_t_len), .o_attr(wr_t_attr),
    .o_dom(wr_t_dom),
    .o_down(wr_t_down), .o_raz(wr_t_raz), .o_take(wr_t_take), .o_stale(wr_t_stale),
    .pi_idle(wr_idle), .pi_lbusy(wr_lbusy), .pi_lid(wr_lid),
    .o_park(wr_t_park), .o_pslot(wr_t_pslot),
    .pk_valid(pk_valid), .pk_len(pk_len), .pk_ready(pk_ready), .pk_slot(pk_slot),
    .c_req_valid(x_c_req_valid[1]), .c_req_idx(x_c_req_idx[PIDX_W +: PIDX_W]), .c_sid(x_c_sid[SID_W +: SID_W]),
    .c_ssid(x_c_ssid[SSID_W +: SSID_W]), .c_ssv(x_c_ssv[1]), .c_addr(x_c_addr[64 +: 64]), .c_pnu(x_c_pnu[1]),
    .c_ind(x_c_ind[1]), .c_req_ready(x_c_req_ready[1]),
    .c_cancel(c_cancel[1]), .c_cancel_idx(c_cancel_idx[PIDX_W +: PIDX_W]),
    .c_resp_valid(i_c_resp_valid[1]), .c_resp_idx(i_c_resp_idx),
    .ans_kind(i_ans_kind), .ans_slot(i_ans_slot), .ans_cdf(i_ans_cdf), .ans_asid(i_ans_asid),
    .ans_rec(i_ans_rec), .ans_rseq(i_ans_rseq), .rec_pop(i_rec_pop), .rec_pop_seq(i_rec_pop_seq),
    .w_done(i_w_done), .w_slot(i_w_slot), .w_fault(i_w_fault), .w_fetch(i_w_fetch), .w_pa(i_w_pa), .w_size(i_w_size), .w_perm(i_w_perm),
    .w_stale(i_w_stale), .w_ng(i_w_ng),
    .tlbi_valid(i_tlbi_valid), .tlbi_op(i_tlbi_op), .tlbi_asid(i_tlbi_asid), .tlbi_va(i_tlbi_va),
    .tlbi_leaf(i_tlbi_leaf), .cfgi_valid(i_cfgi_valid), .cfgi_sid(i_cfgi_sid), .cfgi_mask(i_cfgi_mask),
    .ans_ovr(i_ans_ovr), .w_ax(i_w_ax),
    .e_valid(x_e_valid[1]), .e_data(x_e_data[256 +: 256]), .e_stall(x_e_stall[1]), .e_ready(x_e_ready[1]),
    .e_stall_ok(i_e_stall_ok),
    .st_avail(i_st_avail), .st_tag(i_st_tag), .st_alloc(x_st_alloc[1]), .st_alloc_idx(x_st_alloc_idx[PIDX_W +: PIDX_W]),
    .st_held(x_st_held[1]), .st_held_idx(x_st_held_idx[PIDX_W +: PIDX_W]),
    .st_alloc_sid(x_st_alloc_sid[SID_W +: SID_W]), .act_res(i_act_res[1]), .act_idx(i_act_idx),
    .act_term(i_act_term), .act_sid(i_act_sid), .act_kind(i_act_kind),
    .sync_block(wr_q_sync_block), .w_hold(wr_q_w_hold), .n_cfg_wait(n_cfg_wait[PIDX_W+1 +: PIDX_W+1]),
    .cnt_lookups(cnt_wr_lookups), .cnt_hits(cnt_wr_hits),
    .cnt_mt_lookups(cnt_wr_mt_lookups), .cnt_mt_hits(cnt_wr_mt_hits)
);

assign x_sync_block = rd_q_sync_block || wr_q_sync_block || rd_path_sync_block || wr_path_sync_block;

// ------------------------------------------------------------ read path
smmu_rd_path #(.ID_W(ID_W), .DATA_W(DATA_W), .OAS_BITS(OAS_BITS)) rd_path_inst (
    .clk(clk), .rst(rst),
    .t_valid(rd_t_valid), .t_id(rd_t_id), .t_addr(rd_t_addr), .t_len(rd_t_len), .t_attr(rd_t_attr),
    .t_dom(rd_t_dom), .m_axi_ardomain(m_axi_ardomain),
    .t_down(rd_t_down), .t_raz(rd_t_raz), .t_take(rd_t_take),
    .idle(rd_idle), .lbusy(rd_lbusy), .lid(rd_lid),
    .t_stale(rd_t_stale), .inv(inv), .sync_block(rd_path_sync_block),
    .s_axi_rid(s_axi_rid), .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp),
    .s_axi_rlast(s_axi_rlast), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
    .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
    .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arlock(m_axi_arlock),
    .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot), .m_axi_arqos(m_axi_arqos),
    .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
    .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp),
    .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready)
);

// ------------------------------------------------------------ write path
smmu_wr_path #(.ID_W(ID_W), .DATA_W(DATA_W), .OAS_BITS(OAS_BITS), .PARK_N(PARK_SLOTS),
               .WB_BEATS(PARK_BEATS), .PSLOT_W(PSLOT_W)) wr_path_inst (
    .clk(clk), .rst(rst),
    .t_valid(wr_t_valid), .t_id(wr_t_id), .t_addr(wr_t_addr), .t_len(wr_t_len), .t_attr(wr_t_attr),
    .t_dom(wr_t_dom), .m_axi_awdomain(m_axi_awdomain),
    .t_down(wr_t_down), .t_raz(wr_t_raz), .t_take(wr_t_take),
    .idle(wr_idle), .lbusy(wr_lbusy), .lid(wr_lid),
    .t_stale(wr_t_stale), .inv(inv), .sync_block(wr_path_sync_block),
    .t_park(wr_t_park), .t_pslot(wr_t_pslot),
    .pk_valid(pk_valid), .pk_len(pk_len), .pk_ready(pk_ready), .pk_slot(pk_slot),
    .cnt_parks(cnt_parks),
    .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wlast(s_axi_wlast),
    .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready),
    .s_axi_bid(s_axi_bid), .s_axi_bresp(s_axi_bresp),
    .s_axi_bvalid(s_axi_bvalid), .s_axi_bready(s_axi_bready),
    .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen),
    .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst), .m_axi_awlock(m_axi_awlock),
    .m_axi_awcache(m_axi_awcache), .m_axi_awprot(m_axi_awprot), .m_axi_awqos(m_axi_awqos),
    .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready),
    .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
    .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
    .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp),
    .m_axi_bvalid(m_axi_bvalid), .m_axi_bready(m_axi_bready)
);

// ------------------------------------------------------------ formal invariants
`ifdef FORMAL
reg f_rst_seen = 1'b0;
always @(posedge clk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen) begin
    // nothing on m_axi without a decision that sends it downstream
    if (m_axi_arvalid) assert(rd_t_valid && rd_t_down);
    if (m_axi_awvalid) assert(wr_t_valid && wr_t_down);
end
`endif

// counters read by the testbench through the hierarchy; the read queue has no park buffer
wire unused_ok = &{1'b0, cnt_tlb_fills, cnt_parks, cnt_rd_mt_lookups, cnt_rd_mt_hits, cnt_wr_mt_lookups,
                   cnt_wr_mt_hits, rd_t_park, rd_t_pslot, rd_pk_valid, rd_pk_len};

endmodule

`resetall
