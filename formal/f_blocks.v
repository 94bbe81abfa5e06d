`default_nettype none
`include "smmu_cd_w.vh"

// Block-level harnesses (formal only): one block of smmu_top with the AXI
// property checkers on its ports and free inputs elsewhere, so its corner
// cases are a few cycles from reset. See formal/blocks.sby.

// ---------------------------------------------------------------- smmu_regs: s_axil
module f_regs (
    input wire        clk,
    input wire        rstn_in,
    input wire [16:0] s_axil_awaddr,
    input wire [2:0]  s_axil_awprot,
    input wire        s_axil_awvalid,
    input wire [31:0] s_axil_wdata,
    input wire [3:0]  s_axil_wstrb,
    input wire        s_axil_wvalid,
    input wire        s_axil_bready,
    input wire [16:0] s_axil_araddr,
    input wire [2:0]  s_axil_arprot,
    input wire        s_axil_arvalid,
    input wire        s_axil_rready,
    input wire        hw_cmdq_cons_we,
    input wire [31:0] hw_cmdq_cons,
    input wire        hw_evtq_prod_we,
    input wire [31:0] hw_evtq_prod,
    input wire        hw_gerror_cmdq,
    input wire        hw_gerror_evtq_abt,
    input wire        cmdq_busy_hw,
    input wire        evtq_busy_hw
);
reg f_past_valid = 1'b0;
always @(posedge clk) f_past_valid <= 1'b1;
wire rstn = f_past_valid ? rstn_in : 1'b0;

wire        s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
wire [1:0]  s_axil_bresp, s_axil_rresp;
wire [31:0] s_axil_rdata;

smmu_regs #(.SID_W(2), .SSID_W(1), .OAS_BITS(32), .STALL_MAX(2), .STALL_MODEL(0)) dut (
    .clk(clk), .rst(!rstn),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready),
    .smmuen(), .gbpa_abort(), .gbpa(), .cr1(), .strtab_ra(), .cmdq_ra(), .evtq_wa(), .cmdq_en(),
    .cmdq_en_req(), .evtq_en(), .recinvsid(), .strtab_base(), .strtab_log2size(), .cmdq_base(),
    .cmdq_log2size(), .cmdq_prod(), .cmdq_cons(), .cmdq_err_active(), .evtq_abt_active(),
    .evtq_base(), .evtq_log2size(), .evtq_prod(), .evtq_cons(),
    .hw_cmdq_cons_we(hw_cmdq_cons_we), .hw_cmdq_cons(hw_cmdq_cons), .hw_evtq_prod_we(hw_evtq_prod_we),
    .hw_evtq_prod(hw_evtq_prod), .hw_gerror_cmdq(hw_gerror_cmdq), .hw_gerror_evtq_abt(hw_gerror_evtq_abt),
    .cmdq_busy_hw(cmdq_busy_hw), .evtq_busy_hw(evtq_busy_hw), .evtq_irq(), .gerror_irq()
);

faxil #(.ADDR_W(17), .MAXOUT(2)) p_s_axil (
    .clk(clk), .rstn(rstn),
    .awaddr(s_axil_awaddr), .awprot(s_axil_awprot), .awvalid(s_axil_awvalid), .awready(s_axil_awready),
    .wdata(s_axil_wdata), .wstrb(s_axil_wstrb), .wvalid(s_axil_wvalid), .wready(s_axil_wready),
    .bresp(s_axil_bresp), .bvalid(s_axil_bvalid), .bready(s_axil_bready),
    .araddr(s_axil_araddr), .arprot(s_axil_arprot), .arvalid(s_axil_arvalid), .arready(s_axil_arready),
    .rdata(s_axil_rdata), .rresp(s_axil_rresp), .rvalid(s_axil_rvalid), .rready(s_axil_rready)
);

always @(posedge clk) if (rstn) begin
    cover(s_axil_bvalid && s_axil_bready);
    cover(s_axil_rvalid && s_axil_rready);
end
endmodule

// ---------------------------------------------------------------- smmu_rd_path: m_axi AR/R, s_axi R
// The decided reads (t_*) are free, as the translation queue may offer them,
// except that an offer presented on m_axi and not taken is held (t_hold).
// On the s_axi side the checker sees each taken decision as the AR it stands for.
module f_rd_path #(
    parameter ID_W   = 1,
    parameter LENMAX = 3
) (
    input wire             clk,
    input wire             rstn_in,
    input wire             t_valid,
    input wire [ID_W-1:0]  t_id,
    input wire [31:0]      t_addr,
    input wire [7:0]       t_len,
    input wire [16:0]      t_attr,
    input wire [1:0]       t_dom,
    input wire             t_down,
    input wire             t_raz,
    input wire             t_stale,
    input wire             inv,
    input wire             s_axi_rready,
    input wire             m_axi_arready,
    input wire [ID_W-1:0]  m_axi_rid,
    input wire [63:0]      m_axi_rdata,
    input wire [1:0]       m_axi_rresp,
    input wire             m_axi_rlast,
    input wire             m_axi_rvalid
);
reg f_past_valid = 1'b0;
always @(posedge clk) f_past_valid <= 1'b1;
wire rstn = f_past_valid ? rstn_in : 1'b0;

wire             t_take, t_hold, sync_block;
wire [ID_W-1:0]  s_axi_rid, m_axi_arid;
wire [63:0]      s_axi_rdata;
wire [1:0]       s_axi_rresp, m_axi_ardomain, m_axi_arburst;
wire             s_axi_rlast, s_axi_rvalid, m_axi_arvalid, m_axi_rready, m_axi_arlock;
wire [31:0]      m_axi_araddr;
wire [7:0]       m_axi_arlen;
wire [2:0]       m_axi_arsize, m_axi_arprot;
wire [3:0]       m_axi_arcache, m_axi_arqos;

smmu_rd_path #(.ID_W(ID_W), .DATA_W(64), .OAS_BITS(32)) dut (
    .clk(clk), .rst(!rstn),
    .t_valid(t_valid), .t_id(t_id), .t_addr(t_addr), .t_len(t_len), .t_attr(t_attr), .t_dom(t_dom),
    .t_down(t_down), .t_raz(t_raz), .t_take(t_take), .t_stale(t_stale), .inv(inv),
    .sync_block(sync_block), .t_hold(t_hold),
    .s_axi_rid(s_axi_rid), .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp),
    .s_axi_rlast(s_axi_rlast), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
    .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
    .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arlock(m_axi_arlock),
    .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot), .m_axi_arqos(m_axi_arqos),
    .m_axi_ardomain(m_axi_ardomain), .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
    .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp),
    .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready)
);

// the translation queue holds an offer presented on m_axi (smmu_xlt_q hold_reg)
reg              h_q = 1'b0;
reg [ID_W+32+8+17+2+2-1:0] h_d;
always @(posedge clk) begin
    h_q <= rstn && t_hold;
    h_d <= {t_id, t_addr, t_len, t_attr, t_dom, t_down, t_raz};
end
always @* if (h_q) assume(t_valid && {t_id, t_addr, t_len, t_attr, t_dom, t_down, t_raz} == h_d);
// nothing is offered in the first cycle after reset (the queue's registers are reset)
reg rstn_q = 1'b0;
always @(posedge clk) rstn_q <= rstn;
always @* if (!rstn_q) assume(!t_valid);

// s_axi side: each taken decision is the client's AR (ready at once)
faxi4 #(.DUT_SLAVE(1), .ID_W(ID_W), .ADDR_W(32), .DATA_W(64), .MAXOUT(2), .QD(2), .LENMAX(LENMAX)) p_s (
    .clk(clk), .rstn(rstn),
    .awid({ID_W{1'b0}}), .awaddr(32'd0), .awlen(8'd0), .awextra(1'b0), .awvalid(1'b0), .awready(1'b0),
    .wdata(64'd0), .wstrb(8'd0), .wlast(1'b0), .wvalid(1'b0), .wready(1'b0),
    .bid({ID_W{1'b0}}), .bresp(2'b00), .bvalid(1'b0), .bready(1'b0),
    .arid(t_id), .araddr(t_addr), .arlen(t_len), .arextra(1'b0), .arvalid(t_take), .arready(1'b1),
    .rid(s_axi_rid), .rdata(s_axi_rdata), .rresp(s_axi_rresp), .rlast(s_axi_rlast),
    .rvalid(s_axi_rvalid), .rready(s_axi_rready)
);

faxi4 #(.DUT_SLAVE(0), .ID_W(ID_W), .ADDR_W(32), .DATA_W(64), .MAXOUT(2), .QD(2), .AR_EXTRA(19)) p_m (
    .clk(clk), .rstn(rstn),
    .awid({ID_W{1'b0}}), .awaddr(32'd0), .awlen(8'd0), .awextra(1'b0), .awvalid(1'b0), .awready(1'b0),
    .wdata(64'd0), .wstrb(8'd0), .wlast(1'b0), .wvalid(1'b0), .wready(1'b0),
    .bid({ID_W{1'b0}}), .bresp(2'b00), .bvalid(1'b0), .bready(1'b0),
    .arid(m_axi_arid), .araddr(m_axi_araddr), .arlen(m_axi_arlen),
    .arextra({m_axi_arsize, m_axi_arburst, m_axi_arlock, m_axi_arcache, m_axi_arprot, m_axi_arqos, m_axi_ardomain}),
    .arvalid(m_axi_arvalid), .arready(m_axi_arready),
    .rid(m_axi_rid), .rdata(m_axi_rdata), .rresp(m_axi_rresp), .rlast(m_axi_rlast),
    .rvalid(m_axi_rvalid), .rready(m_axi_rready)
);

always @(posedge clk) if (rstn) begin
    cover(s_axi_rvalid && s_axi_rready && s_axi_rlast && s_axi_rresp == 2'b10);   // local abort burst
    cover(s_axi_rvalid && s_axi_rready && s_axi_rlast && s_axi_rresp == 2'b00 && s_axi_rdata == 64'd0);
end
endmodule

// ---------------------------------------------------------------- smmu_evtq: m_axi_tw AW/W/B
module f_evtq (
    input wire          clk,
    input wire          rstn_in,
    input wire          evtq_en,
    input wire          abt_active,
    input wire [31:0]   base,
    input wire [4:0]    log2size,
    input wire [31:0]   prod,
    input wire [31:0]   cons,
    input wire [767:0]  rec_data,
    input wire [2:0]    rec_stall,
    input wire [2:0]    rec_valid,
    input wire          m_axi_tw_awready,
    input wire          m_axi_tw_wready,
    input wire [1:0]    m_axi_tw_bresp,
    input wire          m_axi_tw_bvalid
);
reg f_past_valid = 1'b0;
always @(posedge clk) f_past_valid <= 1'b1;
wire rstn = f_past_valid ? rstn_in : 1'b0;

wire [31:0] m_axi_tw_awaddr;
wire [7:0]  m_axi_tw_awlen;
wire [63:0] m_axi_tw_wdata;
wire        m_axi_tw_awvalid, m_axi_tw_wlast, m_axi_tw_wvalid, m_axi_tw_bready;

smmu_evtq #(.OAS_BITS(32), .N_SRC(3)) dut (
    .clk(clk), .rst(!rstn), .evtq_en(evtq_en), .abt_active(abt_active), .base(base), .log2size(log2size),
    .prod(prod), .cons(cons), .prod_we(), .prod_wdata(), .abt_err(), .busy(), .can_write(),
    .rec_data(rec_data), .rec_stall(rec_stall), .rec_valid(rec_valid), .rec_ready(),
    .cnt_written(), .cnt_dropped(),
    .m_axi_tw_awaddr(m_axi_tw_awaddr), .m_axi_tw_awlen(m_axi_tw_awlen), .m_axi_tw_awvalid(m_axi_tw_awvalid),
    .m_axi_tw_awready(m_axi_tw_awready), .m_axi_tw_wdata(m_axi_tw_wdata), .m_axi_tw_wlast(m_axi_tw_wlast),
    .m_axi_tw_wvalid(m_axi_tw_wvalid), .m_axi_tw_wready(m_axi_tw_wready), .m_axi_tw_bresp(m_axi_tw_bresp),
    .m_axi_tw_bvalid(m_axi_tw_bvalid), .m_axi_tw_bready(m_axi_tw_bready)
);

faxi4 #(.DUT_SLAVE(0), .ID_W(1), .ADDR_W(32), .DATA_W(64), .MAXOUT(2), .QD(2)) p_m (
    .clk(clk), .rstn(rstn),
    .awid(1'b0), .awaddr(m_axi_tw_awaddr), .awlen(m_axi_tw_awlen), .awextra(1'b0),
    .awvalid(m_axi_tw_awvalid), .awready(m_axi_tw_awready),
    .wdata(m_axi_tw_wdata), .wstrb(8'hFF), .wlast(m_axi_tw_wlast), .wvalid(m_axi_tw_wvalid),
    .wready(m_axi_tw_wready),
    .bid(1'b0), .bresp(m_axi_tw_bresp), .bvalid(m_axi_tw_bvalid), .bready(m_axi_tw_bready),
    .arid(1'b0), .araddr(32'd0), .arlen(8'd0), .arextra(1'b0), .arvalid(1'b0), .arready(1'b0),
    .rid(1'b0), .rdata(64'd0), .rresp(2'b00), .rlast(1'b0), .rvalid(1'b0), .rready(1'b0)
);

always @(posedge clk) if (rstn) begin
    cover(m_axi_tw_bvalid && m_axi_tw_bready && m_axi_tw_bresp == 2'b00);   // a record written
end
endmodule

// ---------------------------------------------------------------- smmu_walk + smmu_ptw: m_axi_tw AR/R
// Walk control with two walkers and the walker-port read arbiter, the
// configuration engine abstracted: its answers (kind, CD bundle) are free and
// come one per lookup; TLBI/CFGI are free (one per cycle, as the command queue
// issues them). Every descriptor the memory returns is free, so a full walk
// (levels 0..3) is a few cycles from reset and the bound covers several.
module f_walk (
    input wire                   clk,
    input wire                   rstn_in,
    input wire                   req_fire,
    input wire [1:0]             req_sid,
    input wire                   req_ssid,
    input wire                   req_ssv,
    input wire [63:0]            req_va,
    input wire                   resp_valid,
    input wire [1:0]             resp_kind,
    input wire [`SMMU_CD_W-1:0]  resp_cd,
    input wire                   resp_cacheable,
    input wire                   tlbi_valid,
    input wire [7:0]             tlbi_op,
    input wire [15:0]            tlbi_asid,
    input wire [63:12]           tlbi_va,
    input wire                   tlbi_leaf,
    input wire                   cfgi_valid,
    input wire [31:0]            cfgi_sid,
    input wire [31:0]            cfgi_mask,
    input wire                   smmuen,
    input wire                   m_axi_tw_arready,
    input wire [3:0]             m_axi_tw_rid,
    input wire [63:0]            m_axi_tw_rdata,
    input wire [1:0]             m_axi_tw_rresp,
    input wire                   m_axi_tw_rlast,
    input wire                   m_axi_tw_rvalid
);
localparam NW = 2;
reg f_past_valid = 1'b0;
always @(posedge clk) f_past_valid <= 1'b1;
wire rstn = f_past_valid ? rstn_in : 1'b0;

wire        slot_free;
wire [NW*32-1:0] rd_addr;
wire [NW*6-1:0]  rd_attr;
wire [NW-1:0]    rd_valid, rd_ready, rd_rvalid;
wire [63:0]      rd_rdata;
wire [1:0]       rd_rresp;
wire [3:0]       m_axi_tw_arid, m_axi_tw_arcache;
wire [31:0]      m_axi_tw_araddr;
wire [7:0]       m_axi_tw_arlen;
wire [1:0]       m_axi_tw_ardomain;
wire             m_axi_tw_arvalid, m_axi_tw_rready;

// the configuration engine: one lookup at a time, asked only while a walker is free
reg f_look = 1'b0;
always @(posedge clk)
    if (!rstn)          f_look <= 1'b0;
    else if (req_fire)  f_look <= 1'b1;
    else if (resp_valid) f_look <= 1'b0;
always @* begin
    if (req_fire) assume(slot_free && (!f_look || resp_valid));
    if (resp_valid) assume(f_look);
    assume(!(tlbi_valid && cfgi_valid));
    assume(m_axi_tw_rid[3:1] == 3'd0);
end

// WC_ENTRIES 1: the smallest walk cache (one entry per level), filled and hit by the walks
// (the main TLB is in the TBU: formal/top.sby, smmu_formal_top)
smmu_walk #(.NW(NW), .SID_W(2), .SSID_W(1), .OAS_BITS(32), .SLOT_W(1), .WC_ENTRIES(1)) dut (
    .clk(clk), .rst(!rstn), .smmuen(smmuen),
    .req_fire(req_fire), .req_sid(req_sid), .req_ssid(req_ssid), .req_ssv(req_ssv), .req_va(req_va),
    .slot_free(slot_free), .sync_block(), .busy(),
    .resp_valid(resp_valid), .resp_kind(resp_kind), .resp_cd(resp_cd), .resp_cacheable(resp_cacheable),
    .ans_kind(), .ans_slot(),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .w_done(), .w_stale(), .w_ng(), .w_fault(), .w_fetch(), .w_pa(), .w_size(), .w_perm(), .w_ax(),
    .rd_addr(rd_addr), .rd_attr(rd_attr), .rd_valid(rd_valid), .rd_ready(rd_ready),
    .rd_rvalid(rd_rvalid), .rd_rdata(rd_rdata), .rd_rresp(rd_rresp),
    .fill_valid(), .fill_byp(), .fill_sid(), .fill_ssid(), .fill_ssv(), .fill_va(), .fill_tbi(),
    .fill_size(), .fill_asid(), .fill_ng(), .fill_pa(), .fill_perm(), .fill_pan(), .fill_ax(),
    .cnt_walks(), .cnt_merges()
);

smmu_tw_rd_arb #(.N_RD(NW), .OAS_BITS(32)) arb (
    .clk(clk), .rst(!rstn),
    .rd_addr(rd_addr), .rd_len({NW{8'd0}}), .rd_attr(rd_attr), .rd_valid(rd_valid), .rd_ready(rd_ready),
    .rd_rvalid(rd_rvalid), .rd_rdata(rd_rdata), .rd_rresp(rd_rresp), .rd_rlast(),
    .m_axi_tw_arid(m_axi_tw_arid), .m_axi_tw_araddr(m_axi_tw_araddr), .m_axi_tw_arlen(m_axi_tw_arlen),
    .m_axi_tw_arcache(m_axi_tw_arcache), .m_axi_tw_ardomain(m_axi_tw_ardomain),
    .m_axi_tw_arvalid(m_axi_tw_arvalid), .m_axi_tw_arready(m_axi_tw_arready),
    .m_axi_tw_rid(m_axi_tw_rid), .m_axi_tw_rdata(m_axi_tw_rdata), .m_axi_tw_rresp(m_axi_tw_rresp),
    .m_axi_tw_rlast(m_axi_tw_rlast), .m_axi_tw_rvalid(m_axi_tw_rvalid), .m_axi_tw_rready(m_axi_tw_rready)
);

always @(posedge clk) if (f_past_valid && rstn) assert(m_axi_tw_arid[3:1] == 3'd0);

faxi4 #(.DUT_SLAVE(0), .ID_W(1), .ADDR_W(32), .DATA_W(64), .MAXOUT(2), .QD(2), .AR_EXTRA(6)) p_m (
    .clk(clk), .rstn(rstn),
    .awid(1'b0), .awaddr(32'd0), .awlen(8'd0), .awextra(1'b0), .awvalid(1'b0), .awready(1'b0),
    .wdata(64'd0), .wstrb(8'h00), .wlast(1'b0), .wvalid(1'b0), .wready(1'b0),
    .bid(1'b0), .bresp(2'b00), .bvalid(1'b0), .bready(1'b0),
    .arid(m_axi_tw_arid[0]), .araddr(m_axi_tw_araddr), .arlen(m_axi_tw_arlen),
    .arextra({m_axi_tw_arcache, m_axi_tw_ardomain}), .arvalid(m_axi_tw_arvalid),
    .arready(m_axi_tw_arready),
    .rid(m_axi_tw_rid[0]), .rdata(m_axi_tw_rdata), .rresp(m_axi_tw_rresp), .rlast(m_axi_tw_rlast),
    .rvalid(m_axi_tw_rvalid), .rready(m_axi_tw_rready)
);
endmodule
