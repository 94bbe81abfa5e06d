`resetall
`timescale 1ns / 1ps
`default_nettype none

// smmu_top: Arm SMMUv3-style translation unit (see docs/architecture.md).
// Port list and parameters are the external contract in
// ../shared/spec/interface.md; keep every name and width.
module smmu_top #(
    parameter SID_W       = 8,    // StreamID bits            (IDR1.SIDSIZE)
    parameter SSID_W      = 8,    // SubstreamID bits (>= 1)  (IDR1.SSIDSIZE)
    parameter ID_W        = 4,    // AXI ID bits of s_axi / m_axi
    parameter DATA_W      = 64,   // s_axi / m_axi data bits (64 or 128)
    parameter OAS_BITS    = 48,   // output address bits      (IDR5.OAS)
    parameter TLB_ENTRIES = 32,   // translation cache entries
    parameter STALL_MAX   = 16,   // most outstanding stalls  (IDR5.STALL_MAX)
    parameter STALL_MODEL = 0,    // 0 stall+terminate, 1 terminate, 2 stall forced
    // ---- capacity (docs/architecture.md "Parameters"; legal ranges checked below)
    parameter XLT_SLOTS   = 24,   // translation slots (pending-table entries) per direction, 4..64
    parameter STALL_SLOTS = 16,   // most stalled transactions per direction, 1..XLT_SLOTS-2
    parameter WALKERS     = 2,    // page-table walkers (walk slots), 1..8
    parameter CFG_ENTRIES = 8,    // configuration cache entries, 1..64
    parameter PARK_SLOTS  = 16,   // write park slots (W data of pending / stalled writes), 2..64, power of 2
    parameter PARK_BEATS  = 16,   // beats per park slot (longest parkable write), 2..256, power of 2
    parameter WCACHE_ENTRIES = 4, // walk-cache entries per level (L0, L1, L2 tables), 0..32; 0: none
    parameter MTLB_SETS   = 256,  // main TLB sets: 0 (none) or a power of 2 in 16..4096
    parameter MTLB_WAYS   = 4,    // main TLB ways (4 KiB pages), 1..8
    parameter MTLB_BLOCKS = 8     // main TLB 2 MiB / 1 GiB block entries, 1..32
) (
    input  wire                 aclk,
    input  wire                 aresetn,

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
    output wire [1:0]           m_axi_awdomain,    // optional (not in the contract): ACE5-Lite AxDOMAIN
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
    output wire [1:0]           m_axi_ardomain,    // optional (not in the contract): ACE5-Lite AxDOMAIN
    output wire                 m_axi_arvalid,
    input  wire                 m_axi_arready,
    input  wire [ID_W-1:0]      m_axi_rid,
    input  wire [DATA_W-1:0]    m_axi_rdata,
    input  wire [1:0]           m_axi_rresp,
    input  wire                 m_axi_rlast,
    input  wire                 m_axi_rvalid,
    output wire                 m_axi_rready,

    // ------------------------------------------------ m_axi_tw: SMMU's own accesses
    output wire [3:0]           m_axi_tw_awid,
    output wire [OAS_BITS-1:0]  m_axi_tw_awaddr,
    output wire [7:0]           m_axi_tw_awlen,
    output wire [2:0]           m_axi_tw_awsize,
    output wire [1:0]           m_axi_tw_awburst,
    output wire                 m_axi_tw_awlock,
    output wire [3:0]           m_axi_tw_awcache,
    output wire [2:0]           m_axi_tw_awprot,
    output wire [1:0]           m_axi_tw_awdomain, // optional (not in the contract)
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
    output wire [1:0]           m_axi_tw_ardomain, // optional (not in the contract)
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

    // ------------------------------------------------ interrupts (level)
    output wire                 evtq_irq,
    output wire                 gerror_irq,
    output wire                 cmdq_sync_irq
);

initial begin
    if (DATA_W != 64 && DATA_W != 128)
        $error("smmu_top: DATA_W must be 64 or 128");
    if (ID_W < 1 || ID_W > 8)
        $error("smmu_top: ID_W must be 1..8");
    if (STALL_MODEL < 0 || STALL_MODEL > 2)
        $error("smmu_top: STALL_MODEL must be 0, 1 or 2");
    if (STALL_MAX < 1 || STALL_MAX > 32)
        $error("smmu_top: STALL_MAX must be 1..32 (16 stalls per direction)");
    if (TLB_ENTRIES < 1)
        $error("smmu_top: TLB_ENTRIES must be >= 1");
    if (XLT_SLOTS < 4 || XLT_SLOTS > 64)
        $error("smmu_top: XLT_SLOTS must be 4..64");
    if (STALL_SLOTS < 1 || STALL_SLOTS > XLT_SLOTS - 2)
        $error("smmu_top: STALL_SLOTS must be 1..XLT_SLOTS-2 (two slots stay for hit-under-fault)");
    if (WALKERS < 1 || WALKERS > 8)
        $error("smmu_top: WALKERS must be 1..8");
    if (CFG_ENTRIES < 1 || CFG_ENTRIES > 64)
        $error("smmu_top: CFG_ENTRIES must be 1..64");
    if (PARK_SLOTS < 2 || PARK_SLOTS > 64 || (PARK_SLOTS & (PARK_SLOTS - 1)) != 0)
        $error("smmu_top: PARK_SLOTS must be a power of 2 in 2..64");
    if (PARK_BEATS < 2 || PARK_BEATS > 256 || (PARK_BEATS & (PARK_BEATS - 1)) != 0)
        $error("smmu_top: PARK_BEATS must be a power of 2 in 2..256");
    if (WCACHE_ENTRIES < 0 || WCACHE_ENTRIES > 32)
        $error("smmu_top: WCACHE_ENTRIES must be 0..32");
    if (MTLB_SETS != 0 && (MTLB_SETS < 16 || MTLB_SETS > 4096 || (MTLB_SETS & (MTLB_SETS - 1)) != 0))
        $error("smmu_top: MTLB_SETS must be 0 or a power of 2 in 16..4096");
    if (MTLB_WAYS < 1 || MTLB_WAYS > 8)
        $error("smmu_top: MTLB_WAYS must be 1..8");
    if (MTLB_BLOCKS < 1 || MTLB_BLOCKS > 32)
        $error("smmu_top: MTLB_BLOCKS must be 1..32");
end

wire rst = !aresetn;

`include "smmu_cd.vh"
`include "smmu_attr.vh"

wire smmuen, gbpa_abort, cmdq_en, cmdq_en_req, evtq_en, recinvsid, cmdq_err_active, evtq_abt_active;
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
    .clk(aclk), .rst(rst),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot),
    .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
    .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready),
    .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready),
    .s_axil_araddr(s_axil_araddr), .s_axil_arprot(s_axil_arprot),
    .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
    .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
    .smmuen(smmuen), .gbpa_abort(gbpa_abort), .gbpa(gbpa), .cr1(cr1), .strtab_ra(strtab_ra),
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

// ------------------------------------------------------------ translation
// Per direction a translation queue (s_axi address stage with the TLB lookup
// and the pending table), one shared TLB, one configuration engine and NW
// walkers. See docs/architecture.md "Translation pipeline".
localparam PEND     = XLT_SLOTS;                            // pending transactions per direction
localparam PIDX_W   = $clog2(PEND);
localparam SCAP     = STALL_SLOTS;     // stalls per direction (PEND - SCAP entries stay for other work)
localparam NW       = WALKERS;
localparam SLOT_W   = (NW > 1) ? $clog2(NW) : 1;
localparam ATTR_W   = 17;
localparam PARK_N   = PARK_SLOTS;
localparam PSLOT_W  = $clog2(PARK_N);
localparam WB_BEATS = PARK_BEATS;

// TLBI / CFGI reach the TLB, the walkers and the queues in the same cycle
wire        tlbi_valid, tlbi_leaf;
wire [7:0]  tlbi_op;
wire [15:0] tlbi_asid;
wire [63:12] tlbi_va;
wire        cfgi_valid;
wire [31:0] cfgi_sid, cfgi_mask;
wire        inv = tlbi_valid || cfgi_valid;

// ---- TLB (port 0: AR, port 1: AW)
wire [1:0]            lk_hit, lk_pan, lk_byp, lk_ng;
wire [31:0]           lk_asid;
wire [3:0]            lk_size;
wire [2*OAS_BITS-1:0] lk_pa;
wire [9:0]            lk_perm;
wire                  fill_valid, fill_byp, fill_ssv, fill_tbi, fill_ng, fill_pan;
wire [SID_W-1:0]      fill_sid;
wire [SSID_W-1:0]     fill_ssid;
wire [63:12]          fill_va;
wire [1:0]            fill_size;
wire [15:0]           fill_asid;
wire [OAS_BITS-1:12]  fill_pa;
wire [4:0]            fill_perm;
wire [2*AX_W-1:0]     lk_ax;
wire [AX_W-1:0]       fill_ax;
wire [31:0]           cnt_tlb_fills;

smmu_tlb #(.ENTRIES(TLB_ENTRIES), .NLK(2), .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS)) tlb_inst (
    .clk(aclk), .rst(rst),
    .lk_sid({s_axi_awmmusid, s_axi_armmusid}), .lk_ssid({s_axi_awmmussid, s_axi_armmussid}),
    .lk_ssv({s_axi_awmmussidv, s_axi_armmussidv}), .lk_va({s_axi_awaddr, s_axi_araddr}),
    .lk_hit(lk_hit), .lk_pa(lk_pa), .lk_perm(lk_perm), .lk_pan(lk_pan), .lk_byp(lk_byp),
    .lk_asid(lk_asid), .lk_ng(lk_ng), .lk_size(lk_size), .lk_ax(lk_ax),
    .fill_valid(fill_valid && smmuen), .fill_byp(fill_byp), .fill_sid(fill_sid), .fill_ssid(fill_ssid),
    .fill_ssv(fill_ssv), .fill_va(fill_va), .fill_tbi(fill_tbi), .fill_size(fill_size),
    .fill_asid(fill_asid), .fill_ng(fill_ng), .fill_pa(fill_pa), .fill_perm(fill_perm),
    .fill_pan(fill_pan), .fill_ax(fill_ax),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .cnt_fills(cnt_tlb_fills)
);

// ---- configuration requests from the two queues (round-robin), only while
// a walker is free so that an answer needing a walk always gets one
wire                rd_c_req_valid, wr_c_req_valid;
wire [PIDX_W-1:0]   rd_c_req_idx, wr_c_req_idx;
wire [SID_W-1:0]    rd_c_sid, wr_c_sid;
wire [SSID_W-1:0]   rd_c_ssid, wr_c_ssid;
wire                rd_c_ssv, wr_c_ssv;
wire [63:0]         rd_c_addr, wr_c_addr;
wire                rd_c_pnu, wr_c_pnu, rd_c_ind, wr_c_ind;
wire                cfg_req_ready, cfg_resp_valid, cfg_resp_cacheable;
wire [PIDX_W:0]     cfg_resp_tag;
wire [1:0]          cfg_resp_kind;
wire [CD_W-1:0]     cfg_resp_cd;
wire                cfg_pick_wr, cfg_req_valid_rr;
wire                cfg_resp_rec, cfg_rec_pop;
wire [2:0]          cfg_resp_rseq, cfg_rec_pop_seq;
wire                walk_slot_free, walk_sync_block, walk_busy;
wire                cfg_req_valid = cfg_req_valid_rr && walk_slot_free;
wire                cfg_take      = cfg_req_valid && cfg_req_ready;   // a request is taken only when one is made

smmu_rr_pick #(.N(2)) cfg_rr_inst (
    .clk(aclk), .rst(rst), .req({wr_c_req_valid, rd_c_req_valid}), .take(cfg_take),
    .pick(cfg_pick_wr), .pick_valid(cfg_req_valid_rr)
);

wire [SID_W-1:0]  cfg_req_sid  = cfg_pick_wr ? wr_c_sid  : rd_c_sid;
wire [SSID_W-1:0] cfg_req_ssid = cfg_pick_wr ? wr_c_ssid : rd_c_ssid;
wire              cfg_req_ssv  = cfg_pick_wr ? wr_c_ssv  : rd_c_ssv;
wire [63:0]       cfg_req_addr = cfg_pick_wr ? wr_c_addr : rd_c_addr;

// ---- walk control
wire [2:0]                 ans_kind;
wire [SLOT_W-1:0]          ans_slot;
wire [NW-1:0]              w_done;
wire [NW*3-1:0]            w_fault;
wire [NW*OAS_BITS-1:0]     w_fetch;
wire [NW*(OAS_BITS-12)-1:0] w_pa;
wire [NW*2-1:0]            w_size;
wire [NW*5-1:0]            w_perm;
wire [NW-1:0]              w_stale, w_ng;
wire [15:0]                ans_asid = cfg_resp_cd[CD_ASID_LSB +: 16];
wire [NW*6-1:0]            w_ax;
wire [OVR_W-1:0]           ans_ovr = cfg_resp_cd[CD_OVR_LSB +: OVR_W];
wire [OVR_W-1:0]           g_ovr   = gbpa_ovr(gbpa);
wire [3:0]                 ans_cdf = {cfg_resp_cd[CD_PAN], cfg_resp_cd[CD_S], cfg_resp_cd[CD_R],
                                      cfg_resp_cd[CD_A]};
wire [31:0]                cnt_walks, cnt_merges;

localparam N_RD = 2 + NW;         // 0: configuration engine, 1: command queue, 2..: walkers
wire [N_RD*OAS_BITS-1:0] tw_rd_addr;
wire [N_RD*8-1:0]        tw_rd_len;
wire [N_RD*6-1:0]        tw_rd_attr;
wire [N_RD-1:0]          tw_rd_valid, tw_rd_ready, tw_rd_rvalid;
wire [63:0]              tw_rdata;
wire [1:0]               tw_rresp;
wire                     tw_rlast;

smmu_walk #(.NW(NW), .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS), .SLOT_W(SLOT_W),
            .WC_ENTRIES(WCACHE_ENTRIES), .MTLB_SETS(MTLB_SETS), .MTLB_WAYS(MTLB_WAYS),
            .MTLB_BLOCKS(MTLB_BLOCKS)) walk_inst (
    .clk(aclk), .rst(rst), .smmuen(smmuen),
    .req_fire(cfg_req_valid && cfg_req_ready), .req_sid(cfg_req_sid), .req_ssid(cfg_req_ssid),
    .req_ssv(cfg_req_ssv), .req_va(cfg_req_addr), .slot_free(walk_slot_free),
    .sync_block(walk_sync_block), .busy(walk_busy),
    .resp_valid(cfg_resp_valid), .resp_kind(cfg_resp_kind), .resp_cd(cfg_resp_cd),
    .resp_cacheable(cfg_resp_cacheable), .ans_kind(ans_kind), .ans_slot(ans_slot),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .w_done(w_done), .w_stale(w_stale), .w_ng(w_ng),
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

// ---- translation queues
wire                rd_t_valid, wr_t_valid, rd_t_take, wr_t_take, rd_t_hold, wr_t_hold;
wire [ID_W-1:0]     rd_t_id, wr_t_id;
wire [OAS_BITS-1:0] rd_t_addr, wr_t_addr;
wire [7:0]          rd_t_len, wr_t_len;
wire [ATTR_W-1:0]   rd_t_attr, wr_t_attr;
wire [1:0]          rd_t_dom, wr_t_dom;
wire                rd_t_down, wr_t_down, rd_t_raz, wr_t_raz;
wire [255:0]        rd_evt_data, wr_evt_data;
wire                rd_evt_valid, wr_evt_valid, rd_evt_ready, wr_evt_ready;
wire                rd_q_sync_block, wr_q_sync_block, rd_path_sync_block, wr_path_sync_block;
wire                wr_t_park, rd_t_park, pk_valid, pk_ready, rd_pk_valid;
wire [PSLOT_W-1:0]  wr_t_pslot, rd_t_pslot, pk_slot;
wire [7:0]          pk_len, rd_pk_len;
wire [31:0]         cnt_parks;
wire [31:0]         cnt_rd_lookups, cnt_rd_hits, cnt_wr_lookups, cnt_wr_hits;
wire [PIDX_W:0]     rd_n_cfg_wait, wr_n_cfg_wait;
wire                rd_evt_stall, wr_evt_stall, evtq_can_write;
wire                st_avail, rd_st_alloc, wr_st_alloc;
wire [15:0]         st_tag;
wire [PIDX_W-1:0]   rd_st_alloc_idx, wr_st_alloc_idx;
wire [SID_W-1:0]    rd_st_alloc_sid, wr_st_alloc_sid;
wire [PEND-1:0]     st_act_rd, st_act_wr;
wire [1:0]          st_act_kind;

smmu_xlt_q #(.ID_W(ID_W), .OAS_BITS(OAS_BITS), .SID_W(SID_W), .SSID_W(SSID_W), .ATTR_W(ATTR_W),
             .PEND(PEND), .NW(NW), .SLOT_W(SLOT_W), .IN_ORDER(0), .RNW(1), .PIDX_W(PIDX_W),
             .PSLOT_W(PSLOT_W), .SCAP(SCAP)) rd_q_inst (
    .clk(aclk), .rst(rst), .smmuen(smmuen), .gbpa_abort(gbpa_abort), .g_ovr(g_ovr),
    .s_id(s_axi_arid), .s_addr(s_axi_araddr), .s_len(s_axi_arlen),
    .s_attr({s_axi_arsize, s_axi_arburst, s_axi_arlock, s_axi_arcache, s_axi_arprot, s_axi_arqos}),
    .s_sid(s_axi_armmusid), .s_ssid(s_axi_armmussid), .s_ssv(s_axi_armmussidv),
    .s_valid(s_axi_arvalid), .s_ready(s_axi_arready),
    .lk_hit(lk_hit[0]), .lk_byp(lk_byp[0]), .lk_pa(lk_pa[0 +: OAS_BITS]), .lk_perm(lk_perm[0 +: 5]),
    .lk_pan(lk_pan[0]), .lk_asid(lk_asid[0 +: 16]), .lk_ng(lk_ng[0]), .lk_size(lk_size[0 +: 2]),
    .lk_ax(lk_ax[0*AX_W +: AX_W]),
    .o_valid(rd_t_valid), .o_id(rd_t_id), .o_addr(rd_t_addr), .o_len(rd_t_len), .o_attr(rd_t_attr),
    .o_dom(rd_t_dom),
    .o_down(rd_t_down), .o_raz(rd_t_raz), .o_take(rd_t_take), .o_hold(rd_t_hold),
    .o_park(rd_t_park), .o_pslot(rd_t_pslot),
    .pk_valid(rd_pk_valid), .pk_len(rd_pk_len), .pk_ready(1'b0), .pk_slot({PSLOT_W{1'b0}}),
    .c_req_valid(rd_c_req_valid), .c_req_idx(rd_c_req_idx), .c_sid(rd_c_sid), .c_ssid(rd_c_ssid),
    .c_ssv(rd_c_ssv), .c_addr(rd_c_addr), .c_pnu(rd_c_pnu), .c_ind(rd_c_ind),
    .c_req_ready(cfg_take && !cfg_pick_wr),
    .c_resp_valid(cfg_resp_valid && !cfg_resp_tag[PIDX_W]), .c_resp_idx(cfg_resp_tag[PIDX_W-1:0]),
    .ans_kind(ans_kind), .ans_slot(ans_slot), .ans_cdf(ans_cdf), .ans_asid(ans_asid),
    .ans_rec(cfg_resp_rec), .ans_rseq(cfg_resp_rseq), .rec_pop(cfg_rec_pop), .rec_pop_seq(cfg_rec_pop_seq),
    .w_done(w_done), .w_fault(w_fault), .w_fetch(w_fetch), .w_pa(w_pa), .w_size(w_size), .w_perm(w_perm),
    .w_stale(w_stale), .w_ng(w_ng),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .ans_ovr(ans_ovr), .w_ax(w_ax),
    .e_valid(rd_evt_valid), .e_data(rd_evt_data), .e_stall(rd_evt_stall), .e_ready(rd_evt_ready),
    .e_stall_ok(evtq_can_write),
    .st_avail(st_avail), .st_tag(st_tag), .st_alloc(rd_st_alloc), .st_alloc_idx(rd_st_alloc_idx),
    .st_alloc_sid(rd_st_alloc_sid), .act_mask(st_act_rd), .act_kind(st_act_kind),
    .sync_block(rd_q_sync_block), .n_cfg_wait(rd_n_cfg_wait), .cnt_lookups(cnt_rd_lookups), .cnt_hits(cnt_rd_hits)
);

smmu_xlt_q #(.ID_W(ID_W), .OAS_BITS(OAS_BITS), .SID_W(SID_W), .SSID_W(SSID_W), .ATTR_W(ATTR_W),
             .PEND(PEND), .NW(NW), .SLOT_W(SLOT_W), .IN_ORDER(0), .RNW(0), .PIDX_W(PIDX_W),
             .PARK(1), .WB_BEATS(WB_BEATS), .PSLOT_W(PSLOT_W), .SCAP(SCAP)) wr_q_inst (
    .clk(aclk), .rst(rst), .smmuen(smmuen), .gbpa_abort(gbpa_abort), .g_ovr(g_ovr),
    .s_id(s_axi_awid), .s_addr(s_axi_awaddr), .s_len(s_axi_awlen),
    .s_attr({s_axi_awsize, s_axi_awburst, s_axi_awlock, s_axi_awcache, s_axi_awprot, s_axi_awqos}),
    .s_sid(s_axi_awmmusid), .s_ssid(s_axi_awmmussid), .s_ssv(s_axi_awmmussidv),
    .s_valid(s_axi_awvalid), .s_ready(s_axi_awready),
    .lk_hit(lk_hit[1]), .lk_byp(lk_byp[1]), .lk_pa(lk_pa[OAS_BITS +: OAS_BITS]), .lk_perm(lk_perm[5 +: 5]),
    .lk_pan(lk_pan[1]), .lk_asid(lk_asid[16 +: 16]), .lk_ng(lk_ng[1]), .lk_size(lk_size[2 +: 2]),
    .lk_ax(lk_ax[1*AX_W +: AX_W]),
    .o_valid(wr_t_valid), .o_id(wr_t_id), .o_addr(wr_t_addr), .o_len(wr_t_len), .o_attr(wr_t_attr),
    .o_dom(wr_t_dom),
    .o_down(wr_t_down), .o_raz(wr_t_raz), .o_take(wr_t_take), .o_hold(wr_t_hold),
    .o_park(wr_t_park), .o_pslot(wr_t_pslot),
    .pk_valid(pk_valid), .pk_len(pk_len), .pk_ready(pk_ready), .pk_slot(pk_slot),
    .c_req_valid(wr_c_req_valid), .c_req_idx(wr_c_req_idx), .c_sid(wr_c_sid), .c_ssid(wr_c_ssid),
    .c_ssv(wr_c_ssv), .c_addr(wr_c_addr), .c_pnu(wr_c_pnu), .c_ind(wr_c_ind),
    .c_req_ready(cfg_take && cfg_pick_wr),
    .c_resp_valid(cfg_resp_valid && cfg_resp_tag[PIDX_W]), .c_resp_idx(cfg_resp_tag[PIDX_W-1:0]),
    .ans_kind(ans_kind), .ans_slot(ans_slot), .ans_cdf(ans_cdf), .ans_asid(ans_asid),
    .ans_rec(cfg_resp_rec), .ans_rseq(cfg_resp_rseq), .rec_pop(cfg_rec_pop), .rec_pop_seq(cfg_rec_pop_seq),
    .w_done(w_done), .w_fault(w_fault), .w_fetch(w_fetch), .w_pa(w_pa), .w_size(w_size), .w_perm(w_perm),
    .w_stale(w_stale), .w_ng(w_ng),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .ans_ovr(ans_ovr), .w_ax(w_ax),
    .e_valid(wr_evt_valid), .e_data(wr_evt_data), .e_stall(wr_evt_stall), .e_ready(wr_evt_ready),
    .e_stall_ok(evtq_can_write),
    .st_avail(st_avail), .st_tag(st_tag), .st_alloc(wr_st_alloc), .st_alloc_idx(wr_st_alloc_idx),
    .st_alloc_sid(wr_st_alloc_sid), .act_mask(st_act_wr), .act_kind(st_act_kind),
    .sync_block(wr_q_sync_block), .n_cfg_wait(wr_n_cfg_wait), .cnt_lookups(cnt_wr_lookups), .cnt_hits(cnt_wr_hits)
);

// ------------------------------------------------------------ stall tags
// The event queue takes at most one record per cycle, so at most one of the
// queues allocates a tag in a cycle.
wire        resume_valid, stall_term_valid;
wire [15:0] resume_stag;
wire [31:0] resume_sid, stall_term_sid;
wire [1:0]  resume_resp;
wire [5:0]  stalls_outstanding;
wire [31:0] cnt_stalls, cnt_st_retry, cnt_st_abort, cnt_st_term, cnt_st_nomatch;

smmu_stallq #(.STALL_MAX(STALL_MAX), .SID_W(SID_W), .PEND(PEND), .PIDX_W(PIDX_W)) stall_inst (
    .clk(aclk), .rst(rst), .smmuen(smmuen),
    .alloc_valid(rd_st_alloc || wr_st_alloc), .alloc_wr(wr_st_alloc),
    .alloc_idx(wr_st_alloc ? wr_st_alloc_idx : rd_st_alloc_idx),
    .alloc_sid(wr_st_alloc ? wr_st_alloc_sid : rd_st_alloc_sid),
    .avail(st_avail), .next_tag(st_tag),
    .resume_valid(resume_valid), .resume_sid(resume_sid), .resume_stag(resume_stag),
    .resume_resp(resume_resp), .stall_term_valid(stall_term_valid), .stall_term_sid(stall_term_sid),
    .act_rd(st_act_rd), .act_wr(st_act_wr), .act_kind(st_act_kind),
    .outstanding(stalls_outstanding), .cnt_stalls(cnt_stalls), .cnt_retry(cnt_st_retry),
    .cnt_abort(cnt_st_abort), .cnt_term(cnt_st_term), .cnt_nomatch(cnt_st_nomatch)
);

// ------------------------------------------------------------ read path
smmu_rd_path #(.ID_W(ID_W), .DATA_W(DATA_W), .OAS_BITS(OAS_BITS)) rd_path_inst (
    .clk(aclk), .rst(rst),
    .t_valid(rd_t_valid), .t_id(rd_t_id), .t_addr(rd_t_addr), .t_len(rd_t_len), .t_attr(rd_t_attr),
    .t_dom(rd_t_dom), .m_axi_ardomain(m_axi_ardomain),
    .t_down(rd_t_down), .t_raz(rd_t_raz), .t_take(rd_t_take), .t_hold(rd_t_hold),
    .t_stale(rd_q_sync_block), .inv(inv), .sync_block(rd_path_sync_block),
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
smmu_wr_path #(.ID_W(ID_W), .DATA_W(DATA_W), .OAS_BITS(OAS_BITS), .PARK_N(PARK_N),
               .WB_BEATS(WB_BEATS), .PSLOT_W(PSLOT_W)) wr_path_inst (
    .clk(aclk), .rst(rst),
    .t_valid(wr_t_valid), .t_id(wr_t_id), .t_addr(wr_t_addr), .t_len(wr_t_len), .t_attr(wr_t_attr),
    .t_dom(wr_t_dom), .m_axi_awdomain(m_axi_awdomain),
    .t_down(wr_t_down), .t_raz(wr_t_raz), .t_take(wr_t_take), .t_hold(wr_t_hold),
    .t_stale(wr_q_sync_block), .inv(inv), .sync_block(wr_path_sync_block),
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

// ------------------------------------------------------------ walker-port readers

smmu_tw_rd_arb #(.N_RD(N_RD), .OAS_BITS(OAS_BITS)) tw_rd_arb_inst (
    .clk(aclk), .rst(rst),
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
    .STALL_MODEL(STALL_MODEL), .TAG_W(PIDX_W + 1)
) cfg_inst (
    .clk(aclk), .rst(rst), .smmuen(smmuen),
    .strtab_base(strtab_base), .strtab_log2size(strtab_log2size), .recinvsid(recinvsid),
    .table_attr(cr1[11:6]), .strtab_ra(strtab_ra),
    .req_valid(cfg_req_valid), .req_ready(cfg_req_ready),
    .req_tag(cfg_pick_wr ? {1'b1, wr_c_req_idx} : {1'b0, rd_c_req_idx}),
    .req_sid(cfg_req_sid), .req_ssid(cfg_req_ssid), .req_ssv(cfg_req_ssv), .req_addr(cfg_req_addr),
    .req_rnw(!cfg_pick_wr),
    .req_pnu(cfg_pick_wr ? wr_c_pnu : rd_c_pnu),
    .req_ind(cfg_pick_wr ? wr_c_ind : rd_c_ind),
    .resp_valid(cfg_resp_valid), .resp_tag(cfg_resp_tag), .resp_kind(cfg_resp_kind),
    .resp_cd(cfg_resp_cd), .resp_cacheable(cfg_resp_cacheable),
    .resp_rec(cfg_resp_rec), .resp_rseq(cfg_resp_rseq), .rec_pop(cfg_rec_pop), .rec_pop_seq(cfg_rec_pop_seq),
    .rd_addr(tw_rd_addr[0 +: OAS_BITS]), .rd_len(tw_rd_len[0 +: 8]), .rd_attr(tw_rd_attr[0 +: 6]),
    .rd_valid(tw_rd_valid[0]), .rd_ready(tw_rd_ready[0]),
    .rd_rvalid(tw_rd_rvalid[0]), .rd_rdata(tw_rdata), .rd_rresp(tw_rresp),
    .evt_data(cfg_evt_data), .evt_valid(cfg_evt_valid), .evt_ready(cfg_evt_ready),
    .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .sync_block(cfg_sync_block),
    .cnt_hit(cnt_cfg_hit), .cnt_miss(cnt_cfg_miss)
);

// ------------------------------------------------------------ command queue
// CMD_SYNC completes once no invalidated configuration fetch is in flight and
// the record being written (a fault whose response the client may already
// have) is visible in the event queue (IHI 0070 4.7.3).
wire [31:0] cnt_cmds, cnt_cmd_errors;

smmu_cmdq #(.OAS_BITS(OAS_BITS), .STALL_MODEL(STALL_MODEL)) cmdq_inst (
    .clk(aclk), .rst(rst),
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
    .sync_block(cfg_sync_block || walk_sync_block || rd_q_sync_block || wr_q_sync_block ||
                rd_path_sync_block || wr_path_sync_block || evtq_busy),
    .sync_irq(cmdq_sync_irq),
    .cnt_cmds(cnt_cmds), .cnt_errors(cnt_cmd_errors)
);

// ------------------------------------------------------------ event queue
wire [31:0] cnt_evt_written, cnt_evt_dropped;

smmu_evtq #(.OAS_BITS(OAS_BITS), .N_SRC(3)) evtq_inst (
    .clk(aclk), .rst(rst),
    .evtq_en(evtq_en), .abt_active(evtq_abt_active), .base(evtq_base), .log2size(evtq_log2size),
    .prod(evtq_prod), .cons(evtq_cons),
    .prod_we(evtq_prod_we), .prod_wdata(evtq_prod_wdata), .abt_err(gerror_evtq_abt),
    .busy(evtq_busy), .can_write(evtq_can_write),
    .rec_data({wr_evt_data, rd_evt_data, cfg_evt_data}), .rec_stall({wr_evt_stall, rd_evt_stall, 1'b0}),
    .rec_valid({wr_evt_valid, rd_evt_valid, cfg_evt_valid}),
    .rec_ready({wr_evt_ready, rd_evt_ready, cfg_evt_ready}),
    .cnt_written(cnt_evt_written), .cnt_dropped(cnt_evt_dropped),
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

// ------------------------------------------------------------ simulation invariants
// dbg_invariant_err is sticky and read by the testbench at the end of every test
// (tb/env/env.py); yosys defines SYNTHESIS, so none of this is synthesised.
`ifndef SYNTHESIS
/* verilator lint_off UNUSEDSIGNAL */
reg dbg_invariant_err;   // read through the hierarchy
/* verilator lint_on UNUSEDSIGNAL */
always @(posedge aclk) begin
    if (rst)
        dbg_invariant_err <= 1'b0;
    else if ({1'b0, rd_n_cfg_wait} + {1'b0, wr_n_cfg_wait} > 1 ||
             ((rd_n_cfg_wait != 0 || wr_n_cfg_wait != 0) && cfg_req_ready && !cfg_resp_valid)) begin
        // an entry waits for a configuration answer nobody was asked for
        dbg_invariant_err <= 1'b1;
        $display("%t smmu_top: INVARIANT: %0d read / %0d write entries wait for a configuration answer, engine %s",
                 $time, rd_n_cfg_wait, wr_n_cfg_wait, cfg_req_ready ? "idle" : "busy");
    end
end
`endif

// ------------------------------------------------------------ formal invariants
// Checked by yosys-sby only (formal/, `make formal`); no simulator or linter defines FORMAL.
`ifdef FORMAL
reg f_rst_seen = 1'b0;                 // a reset cycle has happened
always @(posedge aclk) if (rst) f_rst_seen <= 1'b1;
always @* if (f_rst_seen) begin
    // a pending entry waiting for a configuration answer has exactly one request
    // outstanding: at most one such entry over both queues, and only while the
    // engine is busy with it (or answers now)
    assert({1'b0, rd_n_cfg_wait} + {1'b0, wr_n_cfg_wait} <= 1);
    assert(!((rd_n_cfg_wait != 0 || wr_n_cfg_wait != 0) && cfg_req_ready && !cfg_resp_valid));
    // nothing on m_axi without a decision that sends it downstream
    if (m_axi_arvalid) assert(rd_t_valid && rd_t_down);
    if (m_axi_awvalid) assert(wr_t_valid && wr_t_down);
    // stall count never above STALL_MAX
    assert({26'd0, stalls_outstanding} <= STALL_MAX);
end
// reachable states (cover mode; the deep ones need a programmed stream table)
always @(posedge aclk) if (f_rst_seen && !rst) begin
    cover(m_axi_tw_arvalid && m_axi_tw_arid == 4'd0 && smmuen);         // a configuration fetch
`ifdef SMMU_FORMAL_DEEP
    cover(m_axi_arvalid && m_axi_arready && smmuen);                    // a read issued with SMMUEN=1
    cover(m_axi_tw_awvalid && m_axi_tw_awready);                        // an event record written
    cover(m_axi_tw_arvalid && m_axi_tw_arid >= 4'd2);                   // a page-table walk read
    cover(rd_st_alloc || wr_st_alloc);                                  // a stall recorded
`endif
end
`endif

// Counters are read by the testbench through the hierarchy.
wire unused_ok = &{1'b0, stalls_outstanding, cnt_stalls, cnt_st_retry, cnt_st_abort,
                   cnt_st_term, cnt_st_nomatch, cnt_cfg_hit, cnt_cfg_miss, cnt_cmds,
                   cnt_cmd_errors, cnt_evt_written, cnt_evt_dropped, m_axi_tw_bid, tw_rlast,
                   cnt_tlb_fills, cnt_walks, cnt_merges, cnt_rd_lookups, cnt_rd_hits,
                   cnt_wr_lookups, cnt_wr_hits, cfg_resp_cd, rd_t_park, rd_t_pslot, rd_pk_valid,
                   rd_pk_len, cnt_parks};

endmodule

`resetall
