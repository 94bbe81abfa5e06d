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
    parameter MTLB_BLOCKS = 8,    // main TLB 2 MiB / 1 GiB block entries, 1..32
    parameter LINK_REG    = 0     // 1: a register stage on the TBU-TCU link (docs/architecture.md)
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

`include "smmu_param_check.vh"

wire rst = !aresetn;

// One TBU (client paths, micro-TLB, translation queues) and the TCU
// (registers, configuration, walks, queues, stall tags), joined by the link
// of docs/architecture.md "TBU and TCU". smmu_multi has N TBUs on one TCU.
localparam PIDX_W = $clog2(XLT_SLOTS);
localparam SLOT_W = (WALKERS > 1) ? $clog2(WALKERS) : 1;
localparam NT     = 1;

`include "smmu_link_wires.vh"

smmu_tbu #(
    .SID_W(SID_W), .SSID_W(SSID_W), .ID_W(ID_W), .DATA_W(DATA_W), .OAS_BITS(OAS_BITS),
    .TLB_ENTRIES(TLB_ENTRIES), .XLT_SLOTS(XLT_SLOTS), .STALL_SLOTS(STALL_SLOTS), .WALKERS(WALKERS),
    .PARK_SLOTS(PARK_SLOTS), .PARK_BEATS(PARK_BEATS), .MTLB_SETS(MTLB_SETS), .MTLB_WAYS(MTLB_WAYS),
    .MTLB_BLOCKS(MTLB_BLOCKS), .LINK_REG(LINK_REG), .PIDX_W(PIDX_W), .SLOT_W(SLOT_W)
) tbu_inst (
    .clk(aclk), .rst(rst),
    .s_axi_awid(s_axi_awid), .s_axi_awaddr(s_axi_awaddr), .s_axi_awlen(s_axi_awlen),
    .s_axi_awsize(s_axi_awsize), .s_axi_awburst(s_axi_awburst), .s_axi_awlock(s_axi_awlock),
    .s_axi_awcache(s_axi_awcache), .s_axi_awprot(s_axi_awprot), .s_axi_awqos(s_axi_awqos),
    .s_axi_awmmusid(s_axi_awmmusid), .s_axi_awmmussid(s_axi_awmmussid),
    .s_axi_awmmussidv(s_axi_awmmussidv), .s_axi_awvalid(s_axi_awvalid), .s_axi_awready(s_axi_awready),
    .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wlast(s_axi_wlast),
    .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready),
    .s_axi_bid(s_axi_bid), .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid), .s_axi_bready(s_axi_bready),
    .s_axi_arid(s_axi_arid), .s_axi_araddr(s_axi_araddr), .s_axi_arlen(s_axi_arlen),
    .s_axi_arsize(s_axi_arsize), .s_axi_arburst(s_axi_arburst), .s_axi_arlock(s_axi_arlock),
    .s_axi_arcache(s_axi_arcache), .s_axi_arprot(s_axi_arprot), .s_axi_arqos(s_axi_arqos),
    .s_axi_armmusid(s_axi_armmusid), .s_axi_armmussid(s_axi_armmussid),
    .s_axi_armmussidv(s_axi_armmussidv), .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready),
    .s_axi_rid(s_axi_rid), .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp), .s_axi_rlast(s_axi_rlast),
    .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
    .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen),
    .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst), .m_axi_awlock(m_axi_awlock),
    .m_axi_awcache(m_axi_awcache), .m_axi_awprot(m_axi_awprot), .m_axi_awqos(m_axi_awqos),
    .m_axi_awdomain(m_axi_awdomain), .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready),
    .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
    .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
    .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid), .m_axi_bready(m_axi_bready),
    .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
    .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arlock(m_axi_arlock),
    .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot), .m_axi_arqos(m_axi_arqos),
    .m_axi_ardomain(m_axi_ardomain), .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
    .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp), .m_axi_rlast(m_axi_rlast),
    .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready),
`define SMMU_LINK_T 0
`include "smmu_link_tbu.vh"
`undef SMMU_LINK_T
);

smmu_tcu #(
    .SID_W(SID_W), .SSID_W(SSID_W), .OAS_BITS(OAS_BITS), .STALL_MAX(STALL_MAX), .STALL_MODEL(STALL_MODEL),
    .XLT_SLOTS(XLT_SLOTS), .WALKERS(WALKERS), .CFG_ENTRIES(CFG_ENTRIES), .WCACHE_ENTRIES(WCACHE_ENTRIES),
    .NT(1), .LINK_REG(LINK_REG),
    .PIDX_W(PIDX_W), .SLOT_W(SLOT_W)
) tcu_inst (
    .clk(aclk), .rst(rst),
`include "smmu_link_tcu.vh"
);

wire unused_link_ok = &{1'b0, ln_cnt_rd_lookups, ln_cnt_rd_hits, ln_cnt_wr_lookups, ln_cnt_wr_hits};

// The RTL's simulation invariants, read by the testbench (tb/env/env.py) at the end of every test.
`ifndef SYNTHESIS
/* verilator lint_off UNUSEDSIGNAL */
wire dbg_invariant_err = tcu_inst.dbg_invariant_err;
/* verilator lint_on UNUSEDSIGNAL */
`endif

endmodule

`resetall
