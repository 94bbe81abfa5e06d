`default_nettype none

// smmu_formal_top: the whole design with a formal parameter set, AXI4 property
// checkers on all four interfaces, a reset assumption and cover statements.
// Formal only (yosys-sby, formal/top.sby). The port list mirrors rtl/smmu_top.v
// (keep it in step when ports are added).
module smmu_formal_top #(
    parameter SID_W       = 2,
    parameter SSID_W      = 1,
    parameter ID_W        = 1,
    parameter DATA_W      = 64,
    parameter OAS_BITS    = 32,
    parameter TLB_ENTRIES = 2,
    parameter STALL_MAX   = 2,
    parameter STALL_MODEL = 0,
    parameter LENMAX      = 3,    // client bursts of at most 4 beats
    parameter MAXOUT      = 2,    // client reads / writes outstanding per ID
    // capacity: the smallest legal set (the RTL's logic is the same for every size)
    parameter XLT_SLOTS   = 4,
    parameter STALL_SLOTS = 2,
    parameter WALKERS     = 1,
    parameter CFG_ENTRIES = 1,
    parameter PARK_SLOTS  = 2,
    parameter PARK_BEATS  = 4,    // = LENMAX + 1: every client write can be parked
    parameter WCACHE_ENTRIES = 1, // the smallest walk cache (one entry per level)
    parameter MTLB_SETS   = 16,   // the smallest main TLB
    parameter MTLB_WAYS   = 1,
    parameter MTLB_BLOCKS = 1
) (
    input  wire aclk,
    input  wire aresetn_in,
    input  wire [ID_W-1:0]         s_axi_awid,
    input  wire [63:0]             s_axi_awaddr,
    input  wire [7:0]              s_axi_awlen,
    input  wire [2:0]              s_axi_awsize,
    input  wire [1:0]              s_axi_awburst,
    input  wire                    s_axi_awlock,
    input  wire [3:0]              s_axi_awcache,
    input  wire [2:0]              s_axi_awprot,
    input  wire [3:0]              s_axi_awqos,
    input  wire [SID_W-1:0]        s_axi_awmmusid,
    input  wire [SSID_W-1:0]       s_axi_awmmussid,
    input  wire                    s_axi_awmmussidv,
    input  wire                    s_axi_awvalid,
    output wire                    s_axi_awready,
    input  wire [DATA_W-1:0]       s_axi_wdata,
    input  wire [DATA_W/8-1:0]     s_axi_wstrb,
    input  wire                    s_axi_wlast,
    input  wire                    s_axi_wvalid,
    output wire                    s_axi_wready,
    output wire [ID_W-1:0]         s_axi_bid,
    output wire [1:0]              s_axi_bresp,
    output wire                    s_axi_bvalid,
    input  wire                    s_axi_bready,
    input  wire [ID_W-1:0]         s_axi_arid,
    input  wire [63:0]             s_axi_araddr,
    input  wire [7:0]              s_axi_arlen,
    input  wire [2:0]              s_axi_arsize,
    input  wire [1:0]              s_axi_arburst,
    input  wire                    s_axi_arlock,
    input  wire [3:0]              s_axi_arcache,
    input  wire [2:0]              s_axi_arprot,
    input  wire [3:0]              s_axi_arqos,
    input  wire [SID_W-1:0]        s_axi_armmusid,
    input  wire [SSID_W-1:0]       s_axi_armmussid,
    input  wire                    s_axi_armmussidv,
    input  wire                    s_axi_arvalid,
    output wire                    s_axi_arready,
    output wire [ID_W-1:0]         s_axi_rid,
    output wire [DATA_W-1:0]       s_axi_rdata,
    output wire [1:0]              s_axi_rresp,
    output wire                    s_axi_rlast,
    output wire                    s_axi_rvalid,
    input  wire                    s_axi_rready,
    output wire [ID_W-1:0]         m_axi_awid,
    output wire [OAS_BITS-1:0]     m_axi_awaddr,
    output wire [7:0]              m_axi_awlen,
    output wire [2:0]              m_axi_awsize,
    output wire [1:0]              m_axi_awburst,
    output wire                    m_axi_awlock,
    output wire [3:0]              m_axi_awcache,
    output wire [2:0]              m_axi_awprot,
    output wire [3:0]              m_axi_awqos,
    output wire [1:0]              m_axi_awdomain,
    output wire                    m_axi_awvalid,
    input  wire                    m_axi_awready,
    output wire [DATA_W-1:0]       m_axi_wdata,
    output wire [DATA_W/8-1:0]     m_axi_wstrb,
    output wire                    m_axi_wlast,
    output wire                    m_axi_wvalid,
    input  wire                    m_axi_wready,
    input  wire [ID_W-1:0]         m_axi_bid,
    input  wire [1:0]              m_axi_bresp,
    input  wire                    m_axi_bvalid,
    output wire                    m_axi_bready,
    output wire [ID_W-1:0]         m_axi_arid,
    output wire [OAS_BITS-1:0]     m_axi_araddr,
    output wire [7:0]              m_axi_arlen,
    output wire [2:0]              m_axi_arsize,
    output wire [1:0]              m_axi_arburst,
    output wire                    m_axi_arlock,
    output wire [3:0]              m_axi_arcache,
    output wire [2:0]              m_axi_arprot,
    output wire [3:0]              m_axi_arqos,
    output wire [1:0]              m_axi_ardomain,
    output wire                    m_axi_arvalid,
    input  wire                    m_axi_arready,
    input  wire [ID_W-1:0]         m_axi_rid,
    input  wire [DATA_W-1:0]       m_axi_rdata,
    input  wire [1:0]              m_axi_rresp,
    input  wire                    m_axi_rlast,
    input  wire                    m_axi_rvalid,
    output wire                    m_axi_rready,
    output wire [3:0]              m_axi_tw_awid,
    output wire [OAS_BITS-1:0]     m_axi_tw_awaddr,
    output wire [7:0]              m_axi_tw_awlen,
    output wire [2:0]              m_axi_tw_awsize,
    output wire [1:0]              m_axi_tw_awburst,
    output wire                    m_axi_tw_awlock,
    output wire [3:0]              m_axi_tw_awcache,
    output wire [2:0]              m_axi_tw_awprot,
    output wire [1:0]              m_axi_tw_awdomain,
    output wire                    m_axi_tw_awvalid,
    input  wire                    m_axi_tw_awready,
    output wire [63:0]             m_axi_tw_wdata,
    output wire [7:0]              m_axi_tw_wstrb,
    output wire                    m_axi_tw_wlast,
    output wire                    m_axi_tw_wvalid,
    input  wire                    m_axi_tw_wready,
    input  wire [3:0]              m_axi_tw_bid,
    input  wire [1:0]              m_axi_tw_bresp,
    input  wire                    m_axi_tw_bvalid,
    output wire                    m_axi_tw_bready,
    output wire [3:0]              m_axi_tw_arid,
    output wire [OAS_BITS-1:0]     m_axi_tw_araddr,
    output wire [7:0]              m_axi_tw_arlen,
    output wire [2:0]              m_axi_tw_arsize,
    output wire [1:0]              m_axi_tw_arburst,
    output wire                    m_axi_tw_arlock,
    output wire [3:0]              m_axi_tw_arcache,
    output wire [2:0]              m_axi_tw_arprot,
    output wire [1:0]              m_axi_tw_ardomain,
    output wire                    m_axi_tw_arvalid,
    input  wire                    m_axi_tw_arready,
    input  wire [3:0]              m_axi_tw_rid,
    input  wire [63:0]             m_axi_tw_rdata,
    input  wire [1:0]              m_axi_tw_rresp,
    input  wire                    m_axi_tw_rlast,
    input  wire                    m_axi_tw_rvalid,
    output wire                    m_axi_tw_rready,
    input  wire [16:0]             s_axil_awaddr,
    input  wire [2:0]              s_axil_awprot,
    input  wire                    s_axil_awvalid,
    output wire                    s_axil_awready,
    input  wire [31:0]             s_axil_wdata,
    input  wire [3:0]              s_axil_wstrb,
    input  wire                    s_axil_wvalid,
    output wire                    s_axil_wready,
    output wire [1:0]              s_axil_bresp,
    output wire                    s_axil_bvalid,
    input  wire                    s_axil_bready,
    input  wire [16:0]             s_axil_araddr,
    input  wire [2:0]              s_axil_arprot,
    input  wire                    s_axil_arvalid,
    output wire                    s_axil_arready,
    output wire [31:0]             s_axil_rdata,
    output wire [1:0]              s_axil_rresp,
    output wire                    s_axil_rvalid,
    input  wire                    s_axil_rready,
    output wire                    evtq_irq,
    output wire                    gerror_irq,
    output wire                    cmdq_sync_irq
);

// ------------------------------------------------------------ reset: low in the first cycle, free after
reg f_past_valid = 1'b0;
always @(posedge aclk) f_past_valid <= 1'b1;
wire aresetn = f_past_valid ? aresetn_in : 1'b0;

smmu_top #(
    .SID_W(SID_W), .SSID_W(SSID_W), .ID_W(ID_W), .DATA_W(DATA_W), .OAS_BITS(OAS_BITS),
    .TLB_ENTRIES(TLB_ENTRIES), .STALL_MAX(STALL_MAX), .STALL_MODEL(STALL_MODEL),
    .XLT_SLOTS(XLT_SLOTS), .STALL_SLOTS(STALL_SLOTS), .WALKERS(WALKERS), .CFG_ENTRIES(CFG_ENTRIES),
    .PARK_SLOTS(PARK_SLOTS), .PARK_BEATS(PARK_BEATS), .WCACHE_ENTRIES(WCACHE_ENTRIES),
    .MTLB_SETS(MTLB_SETS), .MTLB_WAYS(MTLB_WAYS), .MTLB_BLOCKS(MTLB_BLOCKS),
`ifdef SMMU_FORMAL_LINK_REG
    .LINK_REG(1)     // task lr_bmc: the link register stage
`else
    .LINK_REG(0)
`endif
) dut (
        .aclk(aclk),
        .aresetn(aresetn),
        .s_axi_awid(s_axi_awid),
        .s_axi_awaddr(s_axi_awaddr),
        .s_axi_awlen(s_axi_awlen),
        .s_axi_awsize(s_axi_awsize),
        .s_axi_awburst(s_axi_awburst),
        .s_axi_awlock(s_axi_awlock),
        .s_axi_awcache(s_axi_awcache),
        .s_axi_awprot(s_axi_awprot),
        .s_axi_awqos(s_axi_awqos),
        .s_axi_awmmusid(s_axi_awmmusid),
        .s_axi_awmmussid(s_axi_awmmussid),
        .s_axi_awmmussidv(s_axi_awmmussidv),
        .s_axi_awvalid(s_axi_awvalid),
        .s_axi_awready(s_axi_awready),
        .s_axi_wdata(s_axi_wdata),
        .s_axi_wstrb(s_axi_wstrb),
        .s_axi_wlast(s_axi_wlast),
        .s_axi_wvalid(s_axi_wvalid),
        .s_axi_wready(s_axi_wready),
        .s_axi_bid(s_axi_bid),
        .s_axi_bresp(s_axi_bresp),
        .s_axi_bvalid(s_axi_bvalid),
        .s_axi_bready(s_axi_bready),
        .s_axi_arid(s_axi_arid),
        .s_axi_araddr(s_axi_araddr),
        .s_axi_arlen(s_axi_arlen),
        .s_axi_arsize(s_axi_arsize),
        .s_axi_arburst(s_axi_arburst),
        .s_axi_arlock(s_axi_arlock),
        .s_axi_arcache(s_axi_arcache),
        .s_axi_arprot(s_axi_arprot),
        .s_axi_arqos(s_axi_arqos),
        .s_axi_armmusid(s_axi_armmusid),
        .s_axi_armmussid(s_axi_armmussid),
        .s_axi_armmussidv(s_axi_armmussidv),
        .s_axi_arvalid(s_axi_arvalid),
        .s_axi_arready(s_axi_arready),
        .s_axi_rid(s_axi_rid),
        .s_axi_rdata(s_axi_rdata),
        .s_axi_rresp(s_axi_rresp),
        .s_axi_rlast(s_axi_rlast),
        .s_axi_rvalid(s_axi_rvalid),
        .s_axi_rready(s_axi_rready),
        .m_axi_awid(m_axi_awid),
        .m_axi_awaddr(m_axi_awaddr),
        .m_axi_awlen(m_axi_awlen),
        .m_axi_awsize(m_axi_awsize),
        .m_axi_awburst(m_axi_awburst),
        .m_axi_awlock(m_axi_awlock),
        .m_axi_awcache(m_axi_awcache),
        .m_axi_awprot(m_axi_awprot),
        .m_axi_awqos(m_axi_awqos),
        .m_axi_awdomain(m_axi_awdomain),
        .m_axi_awvalid(m_axi_awvalid),
        .m_axi_awready(m_axi_awready),
        .m_axi_wdata(m_axi_wdata),
        .m_axi_wstrb(m_axi_wstrb),
        .m_axi_wlast(m_axi_wlast),
        .m_axi_wvalid(m_axi_wvalid),
        .m_axi_wready(m_axi_wready),
        .m_axi_bid(m_axi_bid),
        .m_axi_bresp(m_axi_bresp),
        .m_axi_bvalid(m_axi_bvalid),
        .m_axi_bready(m_axi_bready),
        .m_axi_arid(m_axi_arid),
        .m_axi_araddr(m_axi_araddr),
        .m_axi_arlen(m_axi_arlen),
        .m_axi_arsize(m_axi_arsize),
        .m_axi_arburst(m_axi_arburst),
        .m_axi_arlock(m_axi_arlock),
        .m_axi_arcache(m_axi_arcache),
        .m_axi_arprot(m_axi_arprot),
        .m_axi_arqos(m_axi_arqos),
        .m_axi_ardomain(m_axi_ardomain),
        .m_axi_arvalid(m_axi_arvalid),
        .m_axi_arready(m_axi_arready),
        .m_axi_rid(m_axi_rid),
        .m_axi_rdata(m_axi_rdata),
        .m_axi_rresp(m_axi_rresp),
        .m_axi_rlast(m_axi_rlast),
        .m_axi_rvalid(m_axi_rvalid),
        .m_axi_rready(m_axi_rready),
        .m_axi_tw_awid(m_axi_tw_awid),
        .m_axi_tw_awaddr(m_axi_tw_awaddr),
        .m_axi_tw_awlen(m_axi_tw_awlen),
        .m_axi_tw_awsize(m_axi_tw_awsize),
        .m_axi_tw_awburst(m_axi_tw_awburst),
        .m_axi_tw_awlock(m_axi_tw_awlock),
        .m_axi_tw_awcache(m_axi_tw_awcache),
        .m_axi_tw_awprot(m_axi_tw_awprot),
        .m_axi_tw_awdomain(m_axi_tw_awdomain),
        .m_axi_tw_awvalid(m_axi_tw_awvalid),
        .m_axi_tw_awready(m_axi_tw_awready),
        .m_axi_tw_wdata(m_axi_tw_wdata),
        .m_axi_tw_wstrb(m_axi_tw_wstrb),
        .m_axi_tw_wlast(m_axi_tw_wlast),
        .m_axi_tw_wvalid(m_axi_tw_wvalid),
        .m_axi_tw_wready(m_axi_tw_wready),
        .m_axi_tw_bid(m_axi_tw_bid),
        .m_axi_tw_bresp(m_axi_tw_bresp),
        .m_axi_tw_bvalid(m_axi_tw_bvalid),
        .m_axi_tw_bready(m_axi_tw_bready),
        .m_axi_tw_arid(m_axi_tw_arid),
        .m_axi_tw_araddr(m_axi_tw_araddr),
        .m_axi_tw_arlen(m_axi_tw_arlen),
        .m_axi_tw_arsize(m_axi_tw_arsize),
        .m_axi_tw_arburst(m_axi_tw_arburst),
        .m_axi_tw_arlock(m_axi_tw_arlock),
        .m_axi_tw_arcache(m_axi_tw_arcache),
        .m_axi_tw_arprot(m_axi_tw_arprot),
        .m_axi_tw_ardomain(m_axi_tw_ardomain),
        .m_axi_tw_arvalid(m_axi_tw_arvalid),
        .m_axi_tw_arready(m_axi_tw_arready),
        .m_axi_tw_rid(m_axi_tw_rid),
        .m_axi_tw_rdata(m_axi_tw_rdata),
        .m_axi_tw_rresp(m_axi_tw_rresp),
        .m_axi_tw_rlast(m_axi_tw_rlast),
        .m_axi_tw_rvalid(m_axi_tw_rvalid),
        .m_axi_tw_rready(m_axi_tw_rready),
        .s_axil_awaddr(s_axil_awaddr),
        .s_axil_awprot(s_axil_awprot),
        .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata),
        .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot),
        .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .evtq_irq(evtq_irq),
        .gerror_irq(gerror_irq),
        .cmdq_sync_irq(cmdq_sync_irq)
);

// ------------------------------------------------------------ s_axi: the design is the slave
faxi4 #(.DUT_SLAVE(1), .ID_W(ID_W), .ADDR_W(64), .DATA_W(DATA_W), .MAXOUT(MAXOUT), .QD(4),
        .LENMAX(LENMAX), .AW_EXTRA(17 + SID_W + SSID_W + 1), .AR_EXTRA(17 + SID_W + SSID_W + 1)) p_s_axi (
    .clk(aclk), .rstn(aresetn),
    .awid(s_axi_awid), .awaddr(s_axi_awaddr), .awlen(s_axi_awlen),
    .awextra({s_axi_awsize, s_axi_awburst, s_axi_awlock, s_axi_awcache, s_axi_awprot, s_axi_awqos,
              s_axi_awmmusid, s_axi_awmmussid, s_axi_awmmussidv}),
    .awvalid(s_axi_awvalid), .awready(s_axi_awready),
    .wdata(s_axi_wdata), .wstrb(s_axi_wstrb), .wlast(s_axi_wlast), .wvalid(s_axi_wvalid), .wready(s_axi_wready),
    .bid(s_axi_bid), .bresp(s_axi_bresp), .bvalid(s_axi_bvalid), .bready(s_axi_bready),
    .arid(s_axi_arid), .araddr(s_axi_araddr), .arlen(s_axi_arlen),
    .arextra({s_axi_arsize, s_axi_arburst, s_axi_arlock, s_axi_arcache, s_axi_arprot, s_axi_arqos,
              s_axi_armmusid, s_axi_armmussid, s_axi_armmussidv}),
    .arvalid(s_axi_arvalid), .arready(s_axi_arready),
    .rid(s_axi_rid), .rdata(s_axi_rdata), .rresp(s_axi_rresp), .rlast(s_axi_rlast),
    .rvalid(s_axi_rvalid), .rready(s_axi_rready)
);

// ------------------------------------------------------------ m_axi: the design is the master
faxi4 #(.DUT_SLAVE(0), .ID_W(ID_W), .ADDR_W(OAS_BITS), .DATA_W(DATA_W), .MAXOUT(2 * MAXOUT), .QD(4),
        .AW_EXTRA(19), .AR_EXTRA(19)) p_m_axi (
    .clk(aclk), .rstn(aresetn),
    .awid(m_axi_awid), .awaddr(m_axi_awaddr), .awlen(m_axi_awlen),
    .awextra({m_axi_awsize, m_axi_awburst, m_axi_awlock, m_axi_awcache, m_axi_awprot, m_axi_awqos,
              m_axi_awdomain}),
    .awvalid(m_axi_awvalid), .awready(m_axi_awready),
    .wdata(m_axi_wdata), .wstrb(m_axi_wstrb), .wlast(m_axi_wlast), .wvalid(m_axi_wvalid), .wready(m_axi_wready),
    .bid(m_axi_bid), .bresp(m_axi_bresp), .bvalid(m_axi_bvalid), .bready(m_axi_bready),
    .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen),
    .arextra({m_axi_arsize, m_axi_arburst, m_axi_arlock, m_axi_arcache, m_axi_arprot, m_axi_arqos,
              m_axi_ardomain}),
    .arvalid(m_axi_arvalid), .arready(m_axi_arready),
    .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
    .rvalid(m_axi_rvalid), .rready(m_axi_rready)
);

// ------------------------------------------------------------ m_axi_tw: the design is the master
// ARID is the reader index (0..3), AWID is 0: the checker tracks 2 ID bits,
// the upper two are checked here.
always @* assume(m_axi_tw_rid[3:2] == 2'd0 && m_axi_tw_bid == 4'd0);
always @(posedge aclk) if (f_past_valid && aresetn)
    assert(m_axi_tw_arid[3:2] == 2'd0 && m_axi_tw_awid == 4'd0);

faxi4 #(.DUT_SLAVE(0), .ID_W(2), .ADDR_W(OAS_BITS), .DATA_W(64), .MAXOUT(4), .QD(2),
        .AW_EXTRA(15), .AR_EXTRA(15)) p_m_axi_tw (
    .clk(aclk), .rstn(aresetn),
    .awid(m_axi_tw_awid[1:0]), .awaddr(m_axi_tw_awaddr), .awlen(m_axi_tw_awlen),
    .awextra({m_axi_tw_awsize, m_axi_tw_awburst, m_axi_tw_awlock, m_axi_tw_awcache, m_axi_tw_awprot,
              m_axi_tw_awdomain}),
    .awvalid(m_axi_tw_awvalid), .awready(m_axi_tw_awready),
    .wdata(m_axi_tw_wdata), .wstrb(m_axi_tw_wstrb), .wlast(m_axi_tw_wlast), .wvalid(m_axi_tw_wvalid),
    .wready(m_axi_tw_wready),
    .bid(m_axi_tw_bid[1:0]), .bresp(m_axi_tw_bresp), .bvalid(m_axi_tw_bvalid), .bready(m_axi_tw_bready),
    .arid(m_axi_tw_arid[1:0]), .araddr(m_axi_tw_araddr), .arlen(m_axi_tw_arlen),
    .arextra({m_axi_tw_arsize, m_axi_tw_arburst, m_axi_tw_arlock, m_axi_tw_arcache, m_axi_tw_arprot,
              m_axi_tw_ardomain}),
    .arvalid(m_axi_tw_arvalid), .arready(m_axi_tw_arready),
    .rid(m_axi_tw_rid[1:0]), .rdata(m_axi_tw_rdata), .rresp(m_axi_tw_rresp), .rlast(m_axi_tw_rlast),
    .rvalid(m_axi_tw_rvalid), .rready(m_axi_tw_rready)
);

// ------------------------------------------------------------ s_axil: the design is the slave
faxil #(.ADDR_W(17), .MAXOUT(2)) p_s_axil (
    .clk(aclk), .rstn(aresetn),
    .awaddr(s_axil_awaddr), .awprot(s_axil_awprot), .awvalid(s_axil_awvalid), .awready(s_axil_awready),
    .wdata(s_axil_wdata), .wstrb(s_axil_wstrb), .wvalid(s_axil_wvalid), .wready(s_axil_wready),
    .bresp(s_axil_bresp), .bvalid(s_axil_bvalid), .bready(s_axil_bready),
    .araddr(s_axil_araddr), .arprot(s_axil_arprot), .arvalid(s_axil_arvalid), .arready(s_axil_arready),
    .rdata(s_axil_rdata), .rresp(s_axil_rresp), .rvalid(s_axil_rvalid), .rready(s_axil_rready)
);

// ------------------------------------------------------------ translation harness (SMMU_FORMAL_XLT)
// The whole-design BMC with s_axil free spends its depth on register
// programming. This harness is the software of a bring-up reduced to one
// write: CR0 = SMMUEN | EVENTQEN in the first cycle it may, stream table and
// event queue at their reset bases (linear, one entry each; SID 0 valid), no
// command queue, no resets after the first. Everything else stays free: the
// client's requests, every ready, every response, and every m_axi_tw read
// beat, i.e. every STE, CD and page-table descriptor the tables can hold.
`ifdef SMMU_FORMAL_XLT
reg [1:0] f_cyc = 2'd0;                         // saturating cycle count
always @(posedge aclk) if (f_cyc != 2'd3) f_cyc <= f_cyc + 2'd1;
reg f_aw_done = 1'b0, f_w_done = 1'b0;
always @(posedge aclk) begin
    if (s_axil_awvalid && s_axil_awready) f_aw_done <= 1'b1;
    if (s_axil_wvalid && s_axil_wready)   f_w_done  <= 1'b1;
end
always @* begin
    if (f_past_valid) assume(aresetn_in);
    assume(s_axil_awvalid == (f_cyc >= 2'd2 && !f_aw_done));
    assume(s_axil_wvalid  == (f_cyc >= 2'd2 && !f_w_done));
    assume(s_axil_awaddr == 17'h00020 && s_axil_awprot == 3'd0);
    assume(s_axil_wdata == 32'h0000_0005 && s_axil_wstrb == 4'hF);   // SMMUEN | EVENTQEN
    assume(s_axil_bready && !s_axil_arvalid);
end
`endif

// ------------------------------------------------------------ covers at the ports
// (covers on internal states are in smmu_top's FORMAL block)
always @(posedge aclk) if (aresetn) begin
    cover(s_axil_bvalid && s_axil_bready);                                   // a register written
    cover(m_axi_arvalid && m_axi_arready);                                   // a read issued downstream
    cover(s_axi_rvalid && s_axi_rready && s_axi_rlast && s_axi_rresp == 2'b00 &&
          s_axi_rid == m_axi_arid && 1'b1);                                  // a read completes OKAY
    cover(s_axi_rvalid && s_axi_rready && s_axi_rlast && s_axi_rresp == 2'b10); // a read aborted (SLVERR)
    cover(s_axi_bvalid && s_axi_bready && s_axi_bresp == 2'b00);             // a write completes OKAY
    cover(m_axi_tw_arvalid && m_axi_tw_arready);                             // the SMMU reads its tables
end

endmodule
