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
// except that an offer stays until taken (the head of smmu_xlt_out).
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

wire             t_take, sync_block, lbusy;
wire [(1<<ID_W)-1:0] idle;
wire [ID_W-1:0]  lid;
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
    .sync_block(sync_block), .idle(idle), .lbusy(lbusy), .lid(lid),
    .s_axi_rid(s_axi_rid), .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp),
    .s_axi_rlast(s_axi_rlast), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
    .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
    .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arlock(m_axi_arlock),
    .m_axi_arcache(m_axi_arcache), .m_axi_arprot(m_axi_arprot), .m_axi_arqos(m_axi_arqos),
    .m_axi_ardomain(m_axi_ardomain), .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
    .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp),
    .m_axi_rlast(m_axi_rlast), .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready)
);

// the translation queue's output buffer holds an offer until it is taken (smmu_xlt_out)
reg              h_q = 1'b0;
reg [ID_W+32+8+17+2+2-1:0] h_d;
wire             unused_pi = &{1'b0, idle, lbusy, lid};
always @(posedge clk) begin
    h_q <= rstn && t_valid && !t_take;
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
    input wire [1:0]             slot_hold,     // free (NW bits): any hold pattern from the TBUs
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
    .slot_free(slot_free), .slot_hold(slot_hold), .sync_block(), .busy(),
    .resp_valid(resp_valid), .resp_kind(resp_kind), .resp_cd(resp_cd), .resp_cacheable(resp_cacheable),
    .ans_kind(), .ans_slot(),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .tlbi_leaf(tlbi_leaf), .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .w_done(), .w_slot(), .w_stale(), .w_ng(), .w_fault(), .w_fetch(), .w_pa(), .w_size(), .w_perm(), .w_ax(),
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

// ---------------------------------------------------------------- smmu_tbu_tlb: no stale hit
// The TBU's two TLB levels (micro-TLB + main TLB + the refill buffer lf_*), smallest
// sizes (2 micro-TLB entries, main TLB 16 sets x 1 way + 1 block entry). Inputs free:
// lookups, probes, link fills (any size but 3, which no walk produces, bypass or not,
// in any cycle), TLBI / CFGI of any form at any cycle (together too), SMMUEN, warm
// resets. The main-TLB hits the queues use (mf_*) are modelled as smmu_xlt_q makes
// them: the answer of this cycle, or the last hit answer of that port kept until
// an invalidation (mh_*), carrying the probe's tag and the answer's size, TBI and PA.
//
// Arbitrary-tag proof: an anyconst tag {SID, SSV, SSID, VA[63:12]} and shadow bits
//   f_sh_tr  a link fill (translation) that covers the tag was installed and no
//            invalidation that surely removes every entry covering the tag came since;
//   f_sh_byp the same for STE-bypass fills of the tag's stream (micro-TLB only).
// "Surely removes": TLBI_NH_ALL / NSNH_ALL, CFGI whose scope holds the tag's StreamID,
// and (translations only) TLBI_NH_VAA of the tag's page. Other invalidations leave the
// shadow as it is (the entry may stay: that is not stale). The tag's output page
// (f_map, free) may change only after such an invalidation (software changes the
// tables, then invalidates), and every translation fill covering the tag carries it.
// Asserted: a main-TLB answer hit for a probe of the tag needs f_sh_tr in the answer
// cycle, no such invalidation in the answer cycle, and PA = f_map; a micro-TLB hit on
// the tag needs f_sh_tr and PA = f_map (translation entry) or f_sh_byp (bypass
// entry). The refill path is covered: a refill carries a main-TLB hit, so a refill
// that lands after an invalidation gives a micro-TLB hit without a fill since.
module f_tbu_tlb (
    input wire          clk,
    input wire          rstn_in,
    input wire          smmuen,
    input wire [3:0]    lk_sid,
    input wire [1:0]    lk_ssid,
    input wire [1:0]    lk_ssv,
    input wire [127:0]  lk_va,
    input wire [1:0]    pr_valid,
    input wire [3:0]    pr_sid,
    input wire [1:0]    pr_ssid,
    input wire [1:0]    pr_ssv,
    input wire [103:0]  pr_va,
    input wire [1:0]    pr_pnu,
    input wire [1:0]    pr_ind,
    input wire [1:0]    mf_valid,
    input wire [3:0]    mf_sid,
    input wire [1:0]    mf_ssid,
    input wire [1:0]    mf_ssv,
    input wire [103:0]  mf_va,
    input wire [1:0]    mf_tbi,
    input wire [3:0]    mf_size,
    input wire [31:0]   mf_asid,
    input wire [1:0]    mf_ng,
    input wire [39:0]   mf_pa,
    input wire [9:0]    mf_perm,
    input wire [1:0]    mf_pan,
    input wire [43:0]   mf_ax,
    input wire          fill_valid,
    input wire          fill_byp,
    input wire [1:0]    fill_sid,
    input wire          fill_ssid,
    input wire          fill_ssv,
    input wire [63:12]  fill_va,
    input wire          fill_tbi,
    input wire [1:0]    fill_size,
    input wire [15:0]   fill_asid,
    input wire          fill_ng,
    input wire [31:12]  fill_pa,
    input wire [4:0]    fill_perm,
    input wire          fill_pan,
    input wire [21:0]   fill_ax,
    input wire          tlbi_valid,
    input wire [7:0]    tlbi_op,
    input wire [15:0]   tlbi_asid,
    input wire [63:12]  tlbi_va,
    input wire          cfgi_valid,
    input wire [31:0]   cfgi_sid,
    input wire [31:0]   cfgi_mask,
    input wire [31:12]  f_map            // the tag's output page (software's tables)
);
localparam PW = 20;                      // OAS_BITS 32
reg f_past_valid = 1'b0;
always @(posedge clk) f_past_valid <= 1'b1;
wire rstn = f_past_valid ? rstn_in : 1'b0;
wire rst  = !rstn;

wire [1:0]      lk_hit, lk_pan, lk_byp, lk_ng, mt_hit, mt_ng, mt_pan, mt_tbi, mt_ok;
wire [63:0]     lk_pa;
wire [9:0]      lk_perm, mt_perm;
wire [31:0]     lk_asid, mt_asid, cnt_fills;
wire [3:0]      lk_size, mt_size;
wire [43:0]     lk_ax, mt_ax;
wire [2*PW-1:0] mt_pa;

smmu_tbu_tlb #(.TLB_ENTRIES(2), .MTLB_SETS(16), .MTLB_WAYS(1), .MTLB_BLOCKS(1), .SID_W(2), .SSID_W(1),
               .OAS_BITS(32)) dut (
    .clk(clk), .rst(rst), .smmuen(smmuen),
    .lk_sid(lk_sid), .lk_ssid(lk_ssid), .lk_ssv(lk_ssv), .lk_va(lk_va),
    .lk_hit(lk_hit), .lk_pa(lk_pa), .lk_perm(lk_perm), .lk_pan(lk_pan), .lk_byp(lk_byp),
    .lk_asid(lk_asid), .lk_ng(lk_ng), .lk_size(lk_size), .lk_ax(lk_ax),
    .pr_valid(pr_valid), .pr_sid(pr_sid), .pr_ssid(pr_ssid), .pr_ssv(pr_ssv), .pr_va(pr_va),
    .pr_pnu(pr_pnu), .pr_ind(pr_ind),
    .mt_hit(mt_hit), .mt_pa(mt_pa), .mt_size(mt_size), .mt_ng(mt_ng), .mt_perm(mt_perm),
    .mt_pan(mt_pan), .mt_asid(mt_asid), .mt_ax(mt_ax), .mt_tbi(mt_tbi), .mt_ok(mt_ok),
    .mf_valid(mf_valid), .mf_sid(mf_sid), .mf_ssid(mf_ssid), .mf_ssv(mf_ssv), .mf_va(mf_va),
    .mf_tbi(mf_tbi), .mf_size(mf_size), .mf_asid(mf_asid), .mf_ng(mf_ng), .mf_pa(mf_pa),
    .mf_perm(mf_perm), .mf_pan(mf_pan), .mf_ax(mf_ax),
    .fill_valid(fill_valid), .fill_byp(fill_byp), .fill_sid(fill_sid), .fill_ssid(fill_ssid),
    .fill_ssv(fill_ssv), .fill_va(fill_va), .fill_tbi(fill_tbi), .fill_size(fill_size),
    .fill_asid(fill_asid), .fill_ng(fill_ng), .fill_pa(fill_pa), .fill_perm(fill_perm),
    .fill_pan(fill_pan), .fill_ax(fill_ax),
    .tlbi_valid(tlbi_valid), .tlbi_op(tlbi_op), .tlbi_asid(tlbi_asid), .tlbi_va(tlbi_va),
    .cfgi_valid(cfgi_valid), .cfgi_sid(cfgi_sid), .cfgi_mask(cfgi_mask),
    .cnt_fills(cnt_fills)
);

// ------------------------------------------------ the tag
(* anyconst *) reg [1:0]   t_sid;
(* anyconst *) reg         t_ssv;
(* anyconst *) reg         t_ssid;
(* anyconst *) reg [63:12] t_va;

// the tag's stream (SSID compared only with SSV, as both TLBs do)
function f_stream;
    input [1:0] sid;
    input       ssv;
    input       ssid;
    begin
        f_stream = sid == t_sid && ssv == t_ssv && (!t_ssv || ssid == t_ssid);
    end
endfunction
// an entry {va, size, tbi} covers the tag's page (written here, not taken from the RTL)
function f_vcov;
    input [63:12] va;
    input [1:0]   size;
    input         tbi;
    reg [63:12] m;
    begin
        m = {52{1'b1}};
        if (tbi)
            m[63:56] = 8'd0;
        if (size == 2'd1)
            m[20:12] = 9'd0;
        else if (size == 2'd2)
            m[29:12] = 18'd0;
        f_vcov = ((va ^ t_va) & m) == 52'd0;
    end
endfunction
// the output page of the tag's VA under an entry {pa, size}
function [PW-1:0] f_join;
    input [PW-1:0] pa;
    input [1:0]    size;
    reg [PW-1:0] r;
    begin
        r = pa;
        if (size == 2'd2)
            r[17:0] = t_va[29:12];
        else if (size == 2'd1)
            r[8:0] = t_va[20:12];
        f_join = r;
    end
endfunction

// ------------------------------------------------ environment
wire inv    = tlbi_valid || cfgi_valid;
wire l_fill = fill_valid && smmuen && !inv;          // installed by the TLBs (dropped in an invalidation)
wire cov_tr = l_fill && !fill_byp && f_stream(fill_sid, fill_ssv, fill_ssid) &&
              f_vcov(fill_va, fill_size, fill_tbi);
wire cov_by = l_fill && fill_byp && f_stream(fill_sid, fill_ssv, fill_ssid) && t_va[63:32] == 32'd0;
// invalidations that remove every entry covering the tag (bypass entries: not TLBI by VA)
wire sure_all = (tlbi_valid && (tlbi_op == 8'h10 || tlbi_op == 8'h30)) ||
                (cfgi_valid && (({30'd0, t_sid} ^ cfgi_sid) & cfgi_mask) == 32'd0);
wire sure_tr  = sure_all || (tlbi_valid && tlbi_op == 8'h13 && tlbi_va == t_va);

always @* begin
    assume(fill_size != 2'd3);                       // a walk ends in a 4 KiB page, a 2 MiB or a 1 GiB block
    if (cov_tr)
        assume(f_join(fill_pa, fill_size) == f_map); // a fill carries the current tables
end
// the tables change only behind an invalidation that covers the tag (or a reset)
reg          f_chg = 1'b1;
reg [PW-1:0] f_map_q;
always @(posedge clk) begin
    f_chg   <= rst || sure_tr;
    f_map_q <= f_map;
end
always @* if (!f_chg) assume(f_map == f_map_q);

// the kept main-TLB answer of each queue (smmu_xlt_q mh_*) and the probe it answers
reg  [1:0]   q_ssv, q_ssid, q_pnu, q_ind, k_v, k_ssv, k_ssid, k_tbi;
reg  [3:0]   q_sid, k_sid, k_size;
reg  [103:0] q_va, k_va;
reg  [39:0]  k_pa;
always @(posedge clk)
    for (integer d = 0; d < 2; d = d + 1) begin
        if (pr_valid[d]) begin
            q_sid[d*2 +: 2]   <= pr_sid[d*2 +: 2];
            q_ssid[d]         <= pr_ssid[d];
            q_ssv[d]          <= pr_ssv[d];
            q_va[d*52 +: 52]  <= pr_va[d*52 +: 52];
            q_pnu[d]          <= pr_pnu[d];
            q_ind[d]          <= pr_ind[d];
        end
        if (rst)
            k_v[d] <= 1'b0;
        else if (mt_hit[d]) begin
            k_v[d]            <= 1'b1;
            k_sid[d*2 +: 2]   <= q_sid[d*2 +: 2];
            k_ssid[d]         <= q_ssid[d];
            k_ssv[d]          <= q_ssv[d];
            k_va[d*52 +: 52]  <= q_va[d*52 +: 52];
            k_tbi[d]          <= mt_tbi[d];
            k_size[d*2 +: 2]  <= mt_size[d*2 +: 2];
            k_pa[d*PW +: PW]  <= mt_pa[d*PW +: PW];
        end else if (inv)
            k_v[d] <= 1'b0;
    end
// {sid, ssid, ssv, va, tbi, size, pa}: what decides which pages a refill covers and its PA
genvar gd;
generate
    for (gd = 0; gd < 2; gd = gd + 1) begin : g_mf
        wire [78:0] mf_w = {mf_sid[gd*2 +: 2], mf_ssid[gd], mf_ssv[gd], mf_va[gd*52 +: 52], mf_tbi[gd],
                            mf_size[gd*2 +: 2], mf_pa[gd*PW +: PW]};
        wire [78:0] fr_w = {q_sid[gd*2 +: 2], q_ssid[gd], q_ssv[gd], q_va[gd*52 +: 52], mt_tbi[gd],
                            mt_size[gd*2 +: 2], mt_pa[gd*PW +: PW]};
        wire [78:0] k_w  = {k_sid[gd*2 +: 2], k_ssid[gd], k_ssv[gd], k_va[gd*52 +: 52], k_tbi[gd],
                            k_size[gd*2 +: 2], k_pa[gd*PW +: PW]};
        always @* if (mf_valid[gd]) assume((mt_hit[gd] && mf_w == fr_w) || (k_v[gd] && mf_w == k_w));
    end
endgenerate

// the permission rule (IHI 0070 13.4 PRIVCFG / INSTCFG, then the stage-1 permissions and PAN),
// written here from the spec: perm = {PW, UR, UW, PX, UX}, pio = {INSTCFG, PRIVCFG}
function f_allows;
    input [4:0] perm;
    input       pan;
    input [3:0] pio;
    input       pnu;
    input       ind;
    input       rnw;
    reg priv, insn, user_data;
    begin
        priv      = pio[1] ? pio[0] : pnu;
        insn      = pio[3] ? pio[2] : ind;
        user_data = perm[3] || perm[2];
        if (rnw && insn)
            f_allows = priv ? perm[1] : perm[0];
        else if (rnw)
            f_allows = priv ? !(pan && user_data) : perm[3];
        else
            f_allows = priv ? (perm[4] && !(pan && user_data)) : perm[2];
    end
endfunction

// ------------------------------------------------ shadow
reg f_sh_tr = 1'b0, f_sh_byp = 1'b0;
always @(posedge clk) begin
    if (rst || sure_tr)
        f_sh_tr <= 1'b0;
    else if (cov_tr)
        f_sh_tr <= 1'b1;
    if (rst || sure_all)
        f_sh_byp <= 1'b0;
    else if (cov_by)
        f_sh_byp <= 1'b1;
end

// probes of the tag, answered the next cycle
reg [1:0] f_pr_tag = 2'b00;
always @(posedge clk)
    for (integer p = 0; p < 2; p = p + 1)
        f_pr_tag[p] <= !rst && pr_valid[p] && f_stream(pr_sid[p*2 +: 2], pr_ssv[p], pr_ssid[p]) &&
                       pr_va[p*52 +: 52] == t_va;
wire [1:0] lk_tag;
genvar gp;
generate
    for (gp = 0; gp < 2; gp = gp + 1) begin : g_chk
        assign lk_tag[gp] = f_stream(lk_sid[gp*2 +: 2], lk_ssv[gp], lk_ssid[gp]) && lk_va[gp*64+12 +: 52] == t_va;
        always @* if (f_past_valid && !rst) begin
            // main TLB: a hit for the tag answers a fill no covering invalidation has removed,
            // up to and including the answer cycle, with the tables' output page
            // every main-TLB hit comes with the permission check of the probed access
            // (port 0 reads, port 1 writes) against the entry it returns
            if (mt_hit[gp])
                assert(mt_ok[gp] == f_allows(mt_perm[gp*5 +: 5], mt_pan[gp], mt_ax[gp*22+18 +: 4], q_pnu[gp],
                                             q_ind[gp], gp == 0));
            if (f_pr_tag[gp] && mt_hit[gp]) begin
                assert(f_sh_tr && !sure_tr);
                assert(f_join(mt_pa[gp*PW +: PW], mt_size[gp*2 +: 2]) == f_map);
            end
            // micro-TLB (link fills and main-TLB refills)
            if (lk_tag[gp] && lk_hit[gp] && !lk_byp[gp]) begin
                assert(f_sh_tr);
                assert(lk_pa[gp*32+12 +: PW] == f_map);
            end
            if (lk_tag[gp] && lk_hit[gp] && lk_byp[gp])
                assert(f_sh_byp);
        end
    end
endgenerate

// ------------------------------------------------ covers
// a refill into the micro-TLB: a micro-TLB fill (cnt_fills) in a cycle without a link fill
reg        f_lfill_q = 1'b0, f_rst_q = 1'b1;
reg [31:0] f_cnt_q = 32'd0;
always @(posedge clk) begin
    f_lfill_q <= fill_valid && smmuen;
    f_rst_q   <= rst;
    f_cnt_q   <= cnt_fills;
end
wire f_refill = !f_rst_q && !rst && !f_lfill_q && cnt_fills != f_cnt_q;
// a covering invalidation, then a fill: the shadow set again
reg f_inv_seen = 1'b0, f_sh_again = 1'b0;
always @(posedge clk) begin
    if (rst) begin
        f_inv_seen <= 1'b0;
        f_sh_again <= 1'b0;
    end else begin
        if (sure_tr)
            f_inv_seen <= 1'b1;
        if (sure_tr)
            f_sh_again <= 1'b0;
        else if (cov_tr && f_inv_seen)
            f_sh_again <= 1'b1;
    end
end
// the micro-TLB had no translation for the tag while the shadow was set; then one came
// without a link fill of the tag: it came through the refill path
reg f_ut_gone = 1'b0;
always @(posedge clk)
    if (rst || cov_tr || !f_sh_tr)
        f_ut_gone <= 1'b0;
    else if (lk_tag[0] && !(lk_hit[0] && !lk_byp[0]))
        f_ut_gone <= 1'b1;
always @* if (f_past_valid && !rst) begin
    cover(f_pr_tag[0] && mt_hit[0] && mt_size[1:0] == 2'd0);           // main-TLB page hit on the tag
    cover(f_pr_tag[1] && mt_hit[1] && mt_size[3:2] != 2'd0);           // main-TLB block hit on the tag
    cover(f_refill);                                                   // a refill written (lf_go)
    cover(f_pr_tag[0] && mt_hit[0] && f_sh_again);                     // hit after fill after invalidation
    cover(f_ut_gone && lk_tag[0] && lk_hit[0] && !lk_byp[0]);          // micro-TLB hit from a refill
end
endmodule

// ---------------------------------------------------------------- smmu_xlt_q: fair output choice
// One translation queue (reads, no park slots) with PEND pending entries, its environment free:
// s_axi requests, the micro-TLB's answers, SMMUEN and GBPA (GBPA decides in the stage), the
// configuration engine (one request at a time, answered ABORT / BYPASS / FAULT / RETRY: every
// decision but a walk), fault records taken or not, the path's take of the offer (the output
// buffer's head) and the per-ID state the may-issue check reads. No walks, stalls,
// invalidations or main-TLB hits: the pending table still fills, decides and drains through
// every other way. Checked: smmu_xlt_q's FORMAL invariants, among them the fairness of the
// output choice (a candidate is offered before PEND offers of other entries), which needs
// PEND a power of two to see a pointer that wraps early (PEND+1 truncated to 1).
module f_xlt_q #(
    parameter PEND   = 8,
    parameter PIDX_W = 3
) (
    input wire          clk,
    input wire          rstn_in,
    input wire          smmuen,
    input wire          gbpa_abort,
    input wire [1:0]    s_id,
    input wire [63:0]   s_addr,
    input wire [7:0]    s_len,
    input wire [16:0]   s_attr,
    input wire          s_sid,
    input wire          s_ssid,
    input wire          s_ssv,
    input wire          s_valid,
    input wire          lk_hit,
    input wire          lk_byp,
    input wire [31:0]   lk_pa,
    input wire [4:0]    lk_perm,
    input wire          lk_pan,
    input wire          lk_ng,
    input wire [1:0]    lk_size,
    input wire [21:0]   lk_ax,
    input wire          pr_grant,
    input wire          o_take_in,
    input wire          c_req_ready,
    input wire          c_resp_valid,
    input wire [2:0]    ans_kind,
    input wire [3:0]    ans_cdf,
    input wire          ans_rec,
    input wire [2:0]    ans_rseq,
    input wire          rec_pop,
    input wire [2:0]    rec_pop_seq,
    input wire          e_ready,
    input wire          e_stall_ok
);
reg f_past_valid = 1'b0;
always @(posedge clk) f_past_valid <= 1'b1;
wire rstn = f_past_valid ? rstn_in : 1'b0;
wire rst  = !rstn;

wire              s_ready, o_valid, c_req_valid, e_valid;
wire [PIDX_W-1:0] c_req_idx;

// the configuration engine: one request at a time, answered later for the entry it named
reg              f_cfg = 1'b0;
reg [PIDX_W-1:0] f_cfg_idx;
always @(posedge clk)
    if (rst)
        f_cfg <= 1'b0;
    else if (c_req_valid && c_req_ready && !f_cfg) begin
        f_cfg     <= 1'b1;
        f_cfg_idx <= c_req_idx;
    end else if (c_resp_valid)
        f_cfg <= 1'b0;
always @* begin
    if (c_req_ready) assume(!f_cfg);
    if (c_resp_valid) assume(f_cfg && ans_kind != 3'd3);   // no walk (ANS_WALK)
end
// the path: takes the offer (the output buffer's head) when it likes; its per-ID state is free
wire o_take = o_valid && o_take_in;
(* anyseq *) reg [3:0] pi_idle;
(* anyseq *) reg       pi_lbusy;
(* anyseq *) reg [1:0] pi_lid;

smmu_xlt_q #(.ID_W(2), .OAS_BITS(32), .SID_W(1), .SSID_W(1), .PEND(PEND), .SLOT_W(1), .IN_ORDER(0),
             .RNW(1), .PIDX_W(PIDX_W), .PARK(0), .SCAP(2)) dut (
    .clk(clk), .rst(rst), .smmuen(smmuen), .gbpa_abort(gbpa_abort), .g_ovr(15'd0),
    .s_id(s_id), .s_addr(s_addr), .s_len(s_len), .s_attr(s_attr), .s_sid(s_sid), .s_ssid(s_ssid),
    .s_ssv(s_ssv), .s_valid(s_valid), .s_ready(s_ready),
    .lk_hit(lk_hit), .lk_byp(lk_byp), .lk_pa(lk_pa), .lk_perm(lk_perm), .lk_pan(lk_pan),
    .lk_asid(16'd0), .lk_ng(lk_ng), .lk_size(lk_size), .lk_ax(lk_ax),
    .pr_valid(), .pr_sid(), .pr_ssid(), .pr_ssv(), .pr_va(), .pr_pnu(), .pr_ind(), .pr_grant(pr_grant),
    .mt_hit(1'b0), .mt_pa(20'd0), .mt_size(2'd0), .mt_ng(1'b0), .mt_perm(5'd0), .mt_pan(1'b0),
    .mt_asid(16'd0), .mt_ax(22'd0), .mt_tbi(1'b0), .mt_ok(1'b0),
    .mf_valid(), .mf_sid(), .mf_ssid(), .mf_ssv(), .mf_va(), .mf_tbi(), .mf_size(), .mf_asid(), .mf_ng(),
    .mf_pa(), .mf_perm(), .mf_pan(), .mf_ax(),
    .o_valid(o_valid), .o_id(), .o_addr(), .o_len(), .o_attr(), .o_dom(), .o_down(), .o_raz(),
    .o_take(o_take), .o_stale(), .o_park(), .o_pslot(),
    .pi_idle(pi_idle), .pi_lbusy(pi_lbusy), .pi_lid(pi_lid),
    .pk_valid(), .pk_len(), .pk_ready(1'b0), .pk_slot(1'b0),
    .c_req_valid(c_req_valid), .c_req_idx(c_req_idx), .c_sid(), .c_ssid(), .c_ssv(), .c_addr(), .c_pnu(),
    .c_ind(), .c_req_ready(c_req_ready), .c_cancel(1'b0), .c_cancel_idx({PIDX_W{1'b0}}),
    .c_resp_valid(c_resp_valid), .c_resp_idx(f_cfg_idx), .ans_kind(ans_kind), .ans_slot(1'b0),
    .ans_cdf(ans_cdf), .ans_asid(16'd0), .ans_rec(ans_rec), .ans_rseq(ans_rseq), .rec_pop(rec_pop),
    .rec_pop_seq(rec_pop_seq), .ans_ovr(15'd0),
    .w_done(1'b0), .w_slot(1'b0), .w_fault(3'd0), .w_fetch(32'd0), .w_pa(20'd0), .w_size(2'd0), .w_perm(5'd0),
    .w_stale(1'b0), .w_ng(1'b0), .w_ax(6'd0),
    .tlbi_valid(1'b0), .tlbi_op(8'd0), .tlbi_asid(16'd0), .tlbi_va(52'd0), .tlbi_leaf(1'b0),
    .cfgi_valid(1'b0), .cfgi_sid(32'd0), .cfgi_mask(32'd0),
    .e_valid(e_valid), .e_data(), .e_stall(), .e_ready(e_ready), .e_stall_ok(e_stall_ok),
    .st_avail(1'b0), .st_tag(16'd0), .st_alloc(), .st_alloc_idx(), .st_alloc_sid(),
    .act_res(1'b0), .act_idx({PIDX_W{1'b0}}), .act_term(1'b0), .act_sid(1'b0), .act_kind(2'd0),
    .st_held(1'b0), .st_held_idx({PIDX_W{1'b0}}),
    .sync_block(), .n_cfg_wait(), .cnt_lookups(), .cnt_hits(), .cnt_mt_lookups(), .cnt_mt_hits()
);
endmodule
